"""Writing ``approvals/<ID>.yml``: one entry appended per approval or no-change review.

The file is written by polisi and read by people (in review, in a pull request), so
it is plain block YAML, one key per line, entries oldest first, and only ever
appended to: earlier entries are the history and are never rewritten here.
"""

from __future__ import annotations

import io
from pathlib import Path

from polisi.handbook.approvals import RecordEntry, parse_record, record_path

HEADER = (
    "# Approval record of {doc_id}, written by polisi approve and polisi reviewed: do not edit by hand.\n"
    "# sha256 is the digest of the approved content (title, citations and body; whitespace ignored),\n"
    "# which polisi check compares with the document on every run.\n"
)


def record_text(root: Path, doc_id: str, entry: RecordEntry) -> str:
    """The record file's new text: what it holds now with ``entry`` appended."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    file = root / record_path(doc_id)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    if file.is_file():
        data = yaml.load(file.read_text(encoding="utf-8"))
    else:
        data = CommentedMap(id=doc_id, entries=[])
    item = CommentedMap()
    for key, value in entry.model_dump(exclude_none=True, by_alias=True).items():
        item[key] = DoubleQuotedScalarString(value) if key == "version" else value
    data["entries"].append(item)
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    if not file.is_file():
        text = HEADER.format(doc_id=doc_id) + text
    record, problems = parse_record(record_path(doc_id), text)
    if record is None:
        raise ValueError(f"the approval record written for {doc_id} does not read back: {problems[0].format()}")
    return text
