"""(Re)record the approval of every approved document of the shipped Ty Seren handbook.

The Ty Seren handbook is example data that polisi's own developers correct (a
fixed citation, tidier whitespace). Its front matter says each document was
approved; this script makes ``approvals/<ID>.yml`` say the same for the text as
it now stands, so ``polisi check`` stays clean and ``polisi show`` prints what is
published. It writes only the records that are missing or out of date, prints
each, and commits nothing: review ``git diff approvals/`` and commit it. Run it
after merging changes to the example's texts, for the handbook and for the test
cases' base handbook:

    .venv/bin/python scripts/record_shipped_approvals.py . tests/cases/_base

A real handbook never uses this: there, ``polisi approve ID --existing`` records an
approval that happened, after showing the text, and a changed text is re-approved.
"""

from __future__ import annotations

import sys
from pathlib import Path

from polisi.edit.record_only import record_stated_approvals
from polisi.handbook.approvals import record_path


def main(roots: list[Path]) -> int:
    for root in roots:
        written = record_stated_approvals(root)
        for doc_id, entry in written:
            print(f"recorded {doc_id} v{entry.version} ({entry.by}, {entry.on}) in {root / record_path(doc_id)}")
        print(f"{root}: {len(written)} approval record(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(a) for a in sys.argv[1:]] or [Path(".")]))
