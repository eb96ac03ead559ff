"""Generate a synthetic handbook of N documents for benchmarks.

Policies each have two procedures; every document cites realistic clauses from
the shipped catalogue and links to its neighbours and their headings, so the
checker does the same work per document as on a real handbook.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

CLAUSES = {
    "legislation": ["SPRI-2017:reg-26", "SPRI-2017:reg-27", "SPRI-2017:reg-59", "SPRI-2017:reg-64",
                    "SPRI-2017:reg-80", "SSWBA-2014:s-130", "RISCA-2016:s-27"],
    "statutory_guidance": ["SG-SPRI-2019:reg-27", "SG-SPRI-2019:reg-64", "SG-SPRI-2019:reg-80"],
    "code_of_practice": ["CoPP-W-2026", "CoPP-E-2026"],
    "guidance": ["WSP:chi-s2", "CIW-RI-VISITS"],
}
PARAGRAPH = (
    "Staff record what they saw and did before the end of the shift, and the shift leader checks "
    "the record the same day. Concerns are discussed in supervision and shared with the placing "
    "authority where the family's plan says so.\n"
)


def _area(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[i // 2600 % 26] + letters[i // 100 % 26] + letters[i // 10 % 10 + 10] + letters[i % 10]


def _front(doc_id: str, title: str, rng: random.Random, extra: str) -> str:
    reviewed = f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
    cites = "".join(
        f"{key}: [{', '.join(rng.sample(ids, k=min(2, len(ids))))}]\n" for key, ids in CLAUSES.items()
    )
    return (
        f"---\nid: {doc_id}\ntitle: {title}\nversion: \"1.{rng.randint(0, 9)}\"\nstatus: approved\n"
        f"owner: Registered Manager\napproved_by: Responsible Individual\napproved_on: {reviewed}\n"
        f"last_reviewed: {reviewed}\nreview_interval: 12 months\n{cites}{extra}---\n"
    )


def generate(root: Path, count: int, seed: int = 1) -> None:
    """Write a handbook of about ``count`` documents (a third policies, two thirds procedures)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    for folder in ("policies", "procedures", "statement_of_purpose"):
        (root / folder).mkdir(parents=True)
    (root / "statement_of_purpose" / "SOP-01.md").write_text(
        _front("SOP-01", "Statement of Purpose", rng, "") + "## Who we are\n\n" + PARAGRAPH
    )
    for n in range(max(1, (count - 1) // 3)):
        area = _area(n)
        pol, procs = f"POL-{area}-01", [f"PRO-{area}-01", f"PRO-{area}-02"]
        body = (
            "## Purpose\n\n" + PARAGRAPH * 3 + "## Responsibilities\n\n" + PARAGRAPH * 2
            + f"Follow [the first procedure](../procedures/{procs[0]}.md#steps) and "
            f"[the second](../procedures/{procs[1]}.md). See also [purpose](#purpose).\n"
        )
        (root / "policies" / f"{pol}.md").write_text(
            _front(pol, f"Policy {area}", rng, f"procedures: [{', '.join(procs)}]\n") + body
        )
        for proc in procs:
            body = (
                "## Steps\n\n" + PARAGRAPH * 4 + "## Recording\n\n" + PARAGRAPH
                + f"This carries out [the policy](../policies/{pol}.md#responsibilities).\n"
            )
            (root / "procedures" / f"{proc}.md").write_text(
                _front(proc, f"Procedure {proc}", rng, f"policy: {pol}\n") + body
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    generate(args.folder, args.count)


if __name__ == "__main__":
    main()
