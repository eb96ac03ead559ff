"""The staff site's sanitising rests on no secret: a readable build folder lets nobody past it.

The site's pages used to mark each document body with a random nonce, kept in
``build/cache/``, and sanitise only between the markers; whoever could read the
build folder (it is published and copied about) could close the region early with a
forged marker and write raw HTML after it. Footnotes, which MkDocs places after the
body, fell outside the region too. Now the whole of every page's content is
sanitised and no marker exists. These tests build the site past the gate (as if
``check`` had missed everything), read every file of the build folder, forge a
marker from every random-looking token in it, and find nothing of the attack in the
page.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from polisi.check.gate import Checked
from polisi.findings import Report
from polisi.handbook.model import load_handbook
from polisi.history.git import load_history
from polisi.render.site import render_site

from .site.site_handbook import AS_OF, write_handbook

ATTACK = """
<script>window.stolen = 1</script>
<p onclick="steal()">click</p>

A note[^evil].

[^evil]: <span onclick="steal()">note</span> <img src="x" onerror="steal()"> <script>steal()</script>
"""


def tokens_in(folder: Path) -> set[str]:
    """Every run of 16 or more hex digits or letters in any file of ``folder``: what a nonce would look like."""
    found: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix not in (".pdf", ".png", ".woff2", ".woff", ".ttf"):
            found.update(re.findall(r"[0-9a-f]{32}|[0-9A-Za-z_-]{43}", path.read_text(errors="ignore")))
    return found


def build(root: Path) -> None:
    handbook = load_handbook(root)
    checked = Checked(handbook, Report.of([], len(handbook.documents)))  # as if check passed it
    render_site(checked, load_history(root), date.fromisoformat(str(AS_OF)))


def test_a_forged_marker_smuggles_nothing_even_with_the_build_folder_readable(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "handbook")
    build(root)
    build_dir = root / "build"
    assert not [p for p in build_dir.rglob("*") if "nonce" in p.name]
    forged = [f"<!-- /polisi-untrusted {token} -->" for token in sorted(tokens_in(build_dir))[:200]]
    forged.append("<!-- /polisi-untrusted -->")
    policy = root / "policies" / "POL-SAF-01.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n" + "\n".join(forged) + "\n" + ATTACK,
                      encoding="utf-8")
    build(root)
    page = (build_dir / "site" / "policies" / "POL-SAF-01.html").read_text(encoding="utf-8")
    assert "A note" in page
    assert "stolen" not in page and "steal()" not in page
    assert "onclick" not in page and "onerror" not in page
    assert re.search(r'<li id="fn:evil">\s*<p><span>note</span> <img src="x">', page)  # the text stays
