"""The package is laid out by stage, and its imports point down the flow only.

The layers run top to bottom in the order the brief gives: the CLI calls the
pipeline and the editing commands, which call the renderers and signing,
which call the checks, which read history and the review schedule, which read
the typed handbook; findings, errors, output and publish sit under everything.
A module may import its own package and any package below its own, never one
above, so an import circle cannot form between packages. Imports made inside
functions count too: they still tie the modules together at run time.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "polisi"

LAYERS: list[set[str]] = [
    {"__main__"},
    {"cli"},
    {"pipeline", "edit", "portal"},
    {"render"},
    {"signing", "word"},
    {"check"},
    {"review"},
    {"ledger"},
    {"history"},
    {"handbook"},
    {"output", "publish"},
    {"errors", "findings", "processes", "__init__"},
]
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}
MAX_LINES = 450
MAX_TOP_LEVEL = 8


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, absolute or relative, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def internal_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {i for i in imports_of(path) if i in known and i != name} for name, path in known.items()}


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_stage_is_a_layer() -> None:
    stages = {stage_of(m) for m in modules()}
    assert stages <= set(RANK), f"modules outside any layer: {sorted(stages - set(RANK))}"


def test_imports_point_down_the_flow() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in internal_graph().items()
        for target in targets
        if stage_of(module) != stage_of(target) and RANK[stage_of(target)] <= RANK[stage_of(module)]
        and stage_of(target) != "__init__"
    ]
    assert upward == []


def test_no_import_circle() -> None:
    graph = internal_graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert circles == []


def test_every_package_says_what_it_does_and_may_import() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(ROOT)} has no docstring"
        assert "import" in doc, f"{init.relative_to(ROOT)} does not say what it may import"


def test_modules_stay_small() -> None:
    lengths = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {path: n for path, n in lengths.items() if n > MAX_LINES} == {}


def test_few_modules_at_the_top_level() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def _requirement_name(spec: str) -> str:
    return normalised(re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0])


def normalised(distribution: str) -> str:
    """A distribution name as PEP 503 compares them: ``PyYAML`` and ``pyyaml``, ``ruamel_yaml`` and ``ruamel.yaml``."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def runtime_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_requirement_name(spec) for spec in project["dependencies"]}


def third_party_imports() -> dict[str, str]:
    """Top-level third-party module -> the first file that imports it."""
    first: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in sorted(imports_of(path)):
            top = name.split(".")[0]
            if top and top != "polisi" and top not in sys.stdlib_module_names and top not in first:
                first[top] = str(path.relative_to(ROOT))
    return first


def test_every_third_party_import_is_a_runtime_dependency() -> None:
    """``pip install .`` without extras must run every command, so nothing may lean on ``dev``."""
    owners = packages_distributions()
    declared = runtime_dependencies()
    missing = {}
    for module, where in third_party_imports().items():
        dists = {normalised(d) for d in owners.get(module, [])}
        assert dists, f"{module} (imported by {where}) belongs to no installed distribution"
        if not dists & declared:
            missing[module] = (where, sorted(dists))
    assert missing == {}


@pytest.mark.parametrize("module", ["pikepdf", "weasyprint", "pyhanko", "git", "markdown", "click"])
def test_engines_the_outputs_need_are_runtime_dependencies(module: str) -> None:
    """The scan above finds the engines every output needs, so it cannot pass by finding nothing."""
    assert module in third_party_imports()
    assert {normalised(d) for d in packages_distributions()[module]} & runtime_dependencies()
