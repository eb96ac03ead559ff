"""No input, however broken, makes `polisi check` crash: every problem is a finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polisi.check.rules import check
from polisi.handbook.model import load_handbook

FRONT_KEYS = ["id", "title", "version", "status", "owner", "approved_on", "legislation", "procedures", "policy"]
yaml_scalars = st.sampled_from(
    ["", "~", "yes", "1.10", "2026-02-30", "[", "]", "{a: b}", "- x", "&a", "*a", "!!binary x", "'", '"', ":", "#",
     "POL-SAF-01", "PRO-SAF-01", "SPRI-2017:reg-27", "[SPRI-2017:reg-27, 3]", "|\n  text", "\t", "\x00", "é"]
)
lines = st.one_of(
    st.tuples(st.sampled_from(FRONT_KEYS), yaml_scalars).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.text(max_size=40),
)
bodies = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(["## Heading", "[x](../procedures/PRO-SAF-01.md#h)", "```", "[y]: #z"]),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.lists(lines, max_size=10), body=bodies, fence=st.sampled_from(["---", "--- ", "...", ""]),
       raw=st.binary(max_size=30))
def test_any_file_gives_findings_not_exceptions(
    base_handbook: Path, front: list[str], body: list[str], fence: str, raw: bytes
) -> None:
    text = "---\n" + "\n".join(front) + f"\n{fence}\n" + "\n".join(body)
    (base_handbook / "procedures" / "PRO-SAF-01.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    (base_handbook / "policies" / "POL-XX-01.md").write_bytes(raw)
    report = check(load_handbook(base_handbook), date(2026, 11, 22))
    for finding in report:
        assert finding.line >= 1 and finding.column >= 1
        assert "\n" not in finding.format()
