"""Join separately rendered tagged PDFs into one tagged PDF, as if laid out together.

The inspector bundle is rendered in parts (one WeasyPrint layout each) so that an
edit re-renders only the part it touches. This module puts the parts back
together with pikepdf without losing what makes the whole one document:

- the pages, in order, with one page-label range numbering them 1..N;
- one structure tree: a ``Document`` element holding each part's tree as a
  ``Part`` element, with the ``/StructParents`` keys of pages and the
  ``/StructParent`` keys of annotations renumbered into one ``/ParentTree``;
- every part's named destinations, and links between parts: a part links to
  another part with a URI ``LINK_PREFIX + name``, rewritten here into a link to
  the named destination ``name`` (a link to a name no part defines fails);
- one outline: each part's bookmarks, a *nested* part's under the last
  top-level bookmark before it;
- every part's attached source files (``/AF`` and the ``EmbeddedFiles`` names);
- the catalogue entries that make it PDF/A and tagged (``/MarkInfo``, ``/Lang``,
  output intent, XMP metadata and document information), from the first part.

The same parts always give the same bytes (no clock, deterministic file id).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, String

from polisi.errors import BuildError

LINK_PREFIX = "https://polisi.invalid/bundle#"
"""Links from one part to a destination in another. ``.invalid`` can never resolve, should one escape."""


class MergeFailed(BuildError):
    """The parts could not be joined into one consistent PDF."""


@dataclass(frozen=True)
class MergePart:
    data: bytes
    """A tagged PDF as WeasyPrint writes it."""
    nested: bool = False
    """Put this part's top-level bookmarks under the last top-level bookmark of the parts before it."""


@dataclass
class _Bookmark:
    title: str
    destination: Array
    children: list[_Bookmark] = field(default_factory=list)


def merge_parts(parts: Sequence[MergePart]) -> bytes:
    """One PDF of every part in order; see the module docstring for what is kept."""
    if not parts:
        raise MergeFailed("no parts to merge")
    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parent_tree: list[tuple[int, pikepdf.Object]] = []
    dests: dict[str, pikepdf.Object] = {}
    files: dict[str, pikepdf.Object] = {}
    associated = Array()
    outline: list[_Bookmark] = []
    next_key = 0
    sources = [pikepdf.open(BytesIO(part.data)) for part in parts]
    for part, src in zip(parts, sources, strict=True):
        tree = src.Root.get("/StructTreeRoot")
        if tree is None or "/ParentTree" not in tree:
            raise MergeFailed("a part has no structure tree: it was not rendered as a tagged PDF")
        keys = _renumber(src, tree, next_key)
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not carried over: _link_parts and the Dests tree do that
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            out.pages.extend(src.pages)
        copied = out.copy_foreign(tree)
        for key, value in _number_tree(copied.ParentTree):
            parent_tree.append((key + next_key, value))
        next_key += keys
        for element in copied.K:
            element.S = Name.Part if element.get("/S") == Name.Document else element.S
            element.P = document
            document.K.append(element)
        for name, dest in _name_tree(src, "/Dests"):
            if name in dests:
                raise MergeFailed(f"two parts define the destination {name!r}")
            dests[name] = _copy(out, src, dest)
        for name, spec in _name_tree(src, "/EmbeddedFiles"):
            files[name] = _copy(out, src, spec)
        for spec in src.Root.get("/AF", Array()):
            copied_spec = _copy(out, src, spec)
            if all(copied_spec.objgen != known.objgen for known in associated):  # WeasyPrint lists each twice
                associated.append(copied_spec)
        marks = [_copy_bookmark(out, src, b) for b in _bookmarks(src)]
        if part.nested and outline:
            outline[-1].children.extend(marks)
        else:
            outline.extend(marks)
    first = sources[0]
    _catalogue(out, first)
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document]),
                                        ParentTreeNextKey=next_key))
    document.P = root
    root.ParentTree = out.make_indirect(Dictionary(Nums=Array(_flatten(sorted(parent_tree, key=lambda p: p[0])))))
    out.Root.StructTreeRoot = root
    _link_parts(out, dests)
    out.Root.Names = Dictionary()
    out.Root.Names.Dests = _new_name_tree(out, dests)
    if files:
        out.Root.Names.EmbeddedFiles = _new_name_tree(out, files)
        out.Root.AF = associated
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    with out.open_outline() as merged:
        merged.root.extend(_outline_item(b) for b in outline)
    buffer = BytesIO()
    out.save(buffer, deterministic_id=True, min_version=first.pdf_version)
    for src in sources:
        src.close()
    return buffer.getvalue()


def _renumber(src: pikepdf.Pdf, tree: pikepdf.Object, offset: int) -> int:
    """Shift every ``/StructParents`` and ``/StructParent`` key of ``src`` by ``offset``; how many keys it uses."""
    used = [key for key, _ in _number_tree(tree.ParentTree)]
    for page in src.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", Array()):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset
    return max(used, default=-1) + 1


def _number_tree(tree: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """Every (key, value) of a number tree, following ``/Kids`` as well as ``/Nums``."""
    pairs: list[tuple[int, pikepdf.Object]] = []
    nums = tree.get("/Nums", Array())
    pairs.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2))
    for kid in tree.get("/Kids", Array()):
        pairs.extend(_number_tree(kid))
    return pairs


def _flatten(pairs: list[tuple[int, pikepdf.Object]]) -> list[object]:
    return [item for key, value in pairs for item in (key, value)]


def _name_tree(src: pikepdf.Pdf, kind: str) -> list[tuple[str, pikepdf.Object]]:
    names = src.Root.get("/Names")
    if names is None or kind not in names:
        return []
    return [(str(k), v) for k, v in NameTree(names[kind]).items()]


def _new_name_tree(out: pikepdf.Pdf, items: dict[str, pikepdf.Object]) -> pikepdf.Object:
    tree = NameTree.new(out)
    for name in sorted(items):
        tree[name] = items[name]
    return tree.obj


def _bookmarks(src: pikepdf.Pdf) -> list[_Bookmark]:
    with src.open_outline() as outline:
        return [_read_bookmark(item) for item in outline.root]


def _read_bookmark(item: OutlineItem) -> _Bookmark:
    destination = item.destination
    if not isinstance(destination, Array):
        raise MergeFailed(f"bookmark {item.title!r} has no explicit destination")
    return _Bookmark(item.title, destination, [_read_bookmark(child) for child in item.children])


def _copy_bookmark(out: pikepdf.Pdf, src: pikepdf.Pdf, mark: _Bookmark) -> _Bookmark:
    return _Bookmark(mark.title, _copy(out, src, mark.destination),
                     [_copy_bookmark(out, src, c) for c in mark.children])


def _copy(out: pikepdf.Pdf, src: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """``obj`` of ``src`` in ``out``; pages it refers to become the pages already copied into ``out``."""
    return out.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))


def _outline_item(mark: _Bookmark) -> OutlineItem:
    item = OutlineItem(mark.title, mark.destination)
    item.children.extend(_outline_item(c) for c in mark.children)
    return item


def _catalogue(out: pikepdf.Pdf, first: pikepdf.Pdf) -> None:
    """The catalogue entries and document information of the first part: language, PDF/A identity, title."""
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents", "/Metadata"):
        if key in first.Root:
            out.Root[key] = _copy(out, first, first.Root[key])
    out.Root.MarkInfo = Dictionary(Marked=True)
    if "/Info" in first.trailer:
        out.trailer.Info = _copy(out, first, first.trailer.Info)


def _link_parts(out: pikepdf.Pdf, dests: dict[str, pikepdf.Object]) -> None:
    """Turn each link to ``LINK_PREFIX + name`` into a link to the named destination ``name``."""
    for page in out.pages:
        for annot in page.obj.get("/Annots", Array()):
            action = annot.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            uri = str(action.URI)
            if not uri.startswith(LINK_PREFIX):
                continue
            name = uri[len(LINK_PREFIX):]
            if name not in dests:
                raise MergeFailed(f"a link points to {name!r}, which no part of the bundle defines")
            del annot["/A"]
            annot.Dest = String(name)
            annot.Contents = String(name)
