"""Child processes that die with polisi, however polisi dies.

polisi runs other programs (MkDocs for the site, pandoc for Word, worker processes for
the PDFs). When polisi is stopped with ``kill -9`` (an impatient operator, the
out-of-memory killer, a CI runner timing out) nothing in polisi runs any more to
stop them, so each would live on: a ``mkdocs serve`` keeping its port, a pandoc still
converting, a ~130 MB PDF worker still holding polisi's pipes to ``git cat-file``.
Linux's ``PR_SET_PDEATHSIG`` asks the kernel to kill a process when its parent dies;
every child polisi starts asks for it first (:func:`die_with_parent`). Elsewhere there
is no such request, and the ordinary shutdown paths have to suffice.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

PR_SET_PDEATHSIG = 1
"""``prctl`` option (linux/prctl.h): the signal a process gets when its parent dies."""


def _find_prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, looked up in the parent: a child between ``fork`` and ``exec`` should
    do as little as it can, and loading a library there could wait on a lock another thread held."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process (with SIGKILL) when its parent, ``parent``, dies.

    When the parent is already gone by the time the request takes effect (this process was
    handed to another), this process ends at once. Without ``prctl`` (not Linux) it does nothing.
    """
    if _PRCTL is None:
        return
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def is_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a process of another user counts): what a leftover's owner
    is asked before its files are swept away."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _child_setup() -> Callable[[], None] | None:
    if _PRCTL is None:
        return None
    parent = os.getpid()
    return lambda: die_with_parent(parent)


def run(command: Sequence[str], **options: Any) -> subprocess.CompletedProcess[Any]:
    """:func:`subprocess.run` for a child that dies with polisi."""
    return subprocess.run(command, preexec_fn=_child_setup(), **options)  # noqa: PLW1509 - see _find_prctl


def start(command: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
    """:class:`subprocess.Popen` for a child that dies with polisi."""
    return subprocess.Popen(command, preexec_fn=_child_setup(), **options)  # noqa: PLW1509 - see _find_prctl
