"""Writing outputs so that a failed build never leaves a half-written folder behind.

Every renderer writes into a fresh temporary folder beside its target; only
when it has finished is the old output swapped for the new one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _folder_mode() -> int:
    """The mode an ordinary ``mkdir`` would give under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


@contextmanager
def replace_folder(target: Path) -> Iterator[Path]:
    """Yield an empty folder to write into; on success it becomes ``target``.

    On any exception the temporary folder is removed and ``target`` is untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(_folder_mode())  # mkdtemp makes a private folder; outputs are for others to read
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = target.parent / f".{target.name}-old"
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
