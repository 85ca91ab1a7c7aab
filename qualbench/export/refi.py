"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

Writing: :func:`codebook_qdc` gives the project's codebook as a REFI-QDA Codebook
XML file (UTF-8 without BOM, ``\\n`` line ends), codes nested as in the project.

* **GUIDs** are not stored anywhere: each code's ``guid`` is ``uuid5(GUID_NAMESPACE,
  code path)``, with a fixed namespace of our own. The same path gives the same
  GUID in every export (and in every Qualbench project); renaming or moving a code
  gives it a new GUID. On import, GUIDs are read for validation only: codes are
  matched by path, as with ``codebook.yaml``.
* **Definitions**: the standard has one ``<Description>`` per code, so it holds the
  description, then labelled paragraphs ``Inclusion: ...``, ``Exclusion: ...``,
  ``Example: ...`` and ``Shortcut: ...`` (the coding page's key), each separated
  by a blank line, empty ones left out. :func:`split_description` reads them back;
  a Description from another tool without such labels is all description.
* The codebook title has no place in the standard and is not written.
* Empty containers are invalid in the schema, and ``<Codes>`` needs at least one
  ``<Code>``: an empty codebook cannot be written (QualbenchError).

Reading: :func:`read_qdc` parses with lxml without DTDs, entities or network access
(a file with a DOCTYPE or entity is refused, never expanded), validates against the
Codebook XSD with ``xmlschema`` and hands the codes to ``codebook.parse_specs`` as the
same list of dicts a YAML codebook gives, so validation and merge-by-path are shared.
Missing colours get the palette when the codes are added. ``<Sets>`` are ignored.

Schema: ``schemas/Codebook-mrt2019.xsd`` is a byte-for-byte copy of QDA-XML 1.0
``Codebook.xsd`` (REFI, www.qdasoftware.org; MIT licence, "Copyright 2019 REFI",
kept intact in the file), taken from github.com/rpgauthier/ComputationalThematicAnalysisToolkit,
``src/External/XSD/Codebook-mrt2019.xsd`` at commit c9576693af12cfdc809d38d5ebce03c8332190f8,
sha256 62a941a02df90991fd9e18bd97c571b88e3c493a722ef1e45a7247f787849c75
(see ``shared/refi/SOURCES.md``).
"""

from __future__ import annotations

import re
import uuid
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .. import __version__
from ..errors import CodebookProblem, QualbenchError

NS = "urn:QDA-XML:codebook:1.0"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "Codebook-mrt2019.xsd"
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:qualbench:refi-qda:code-path")
LABELS = (("inclusion", "Inclusion"), ("exclusion", "Exclusion"), ("example", "Example"), ("shortcut", "Shortcut"))
_LABEL_RE = re.compile(r"(?:^|\n)[ \t]*(Inclusion|Exclusion|Example|Shortcut)[ \t]*:[ \t]*", re.IGNORECASE)
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHORT_RGB = re.compile(r"^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$")
MAX_BYTES = 20 * 1024 * 1024  # as codebook.MAX_FILE_BYTES
MAX_PROBLEMS = 5


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def code_guid(path: str) -> str:
    """The stable GUID of the code at ``path`` (``Parent/Child``)."""
    return str(uuid.uuid5(GUID_NAMESPACE, path))


def join_description(code: dict) -> str:
    """One Description text: the description, then labelled Inclusion/Exclusion/Example/Shortcut paragraphs."""
    parts = [(code.get("description") or "").strip()]
    for key, label in LABELS:
        value = (code.get(key) or "").strip()
        if value:
            parts.append(f"{label}: {value}")
    return "\n\n".join(p for p in parts if p)


def split_description(text: str | None) -> dict:
    """Read a Description back into description, inclusion, exclusion, example and shortcut.

    Labels are recognised at the start of a line, once each and in the order they are
    written; anything else (another tool's free text) stays in the description.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    out = {"description": "", **{key: "" for key, _ in LABELS}}
    order = [label.lower() for _, label in LABELS]
    found = []  # (key, label start, value start)
    last = -1
    for match in _LABEL_RE.finditer(text):
        index = order.index(match.group(1).lower())
        if index > last:
            found.append((LABELS[index][0], match.start(), match.end()))
            last = index
    out["description"] = text[: found[0][1] if found else len(text)].strip()
    for i, (key, _, value_start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        out[key] = text[value_start:end].strip()
    return out


def _clean(text: str) -> str:
    return _BAD_XML_CHARS.sub("", text or "")


def codebook_qdc(db) -> bytes:
    """The project's codebook as the bytes of a REFI-QDA ``.qdc`` file (valid against the Codebook XSD)."""
    from .. import codebook

    all_codes = codebook.codes(db)
    if not all_codes:
        raise QualbenchError("The codebook has no codes; a REFI-QDA codebook (.qdc) needs at least one code. "
                             "Add codes or load a codebook first.")
    root = etree.Element(_q("CodeBook"), nsmap={None: NS})
    root.set("origin", f"Qualbench {__version__}")
    codes_el = etree.SubElement(root, _q("Codes"))
    elements = {}
    for code in all_codes:  # tree order: parents before children
        parent = elements[code["parent_id"]] if code["parent_id"] is not None else codes_el
        el = etree.SubElement(parent, _q("Code"))
        el.set("guid", code_guid(code["path"]))
        el.set("name", _clean(code["name"]))
        el.set("isCodable", "true")
        color = code.get("color") or ""
        if codebook.COLOR.match(color):
            el.set("color", color)
        description = _clean(join_description(code))
        if description:
            etree.SubElement(el, _q("Description")).text = description
        elements[code["id"]] = el
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)


# --- reading ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def schema():
    """The QDA-XML 1.0 Codebook schema (loaded once)."""
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA))


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def parse(data: bytes, label: str) -> etree._Element:
    """Parse ``data`` safely; a DOCTYPE, entity or malformed XML is a CodebookProblem naming ``label``."""
    if len(data) > MAX_BYTES:
        raise CodebookProblem(f"{label}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB; not read as a codebook.")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise CodebookProblem(f"{label}: the file is empty.")
    scan = data.decode("utf-16", errors="ignore").encode("utf-8") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", scan, re.IGNORECASE):
        raise CodebookProblem(f"{label}: the file declares a DOCTYPE or entities; for safety such XML is not read "
                              "(a REFI-QDA codebook needs neither).")
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        if "entit" in str(exc.msg).lower():
            raise CodebookProblem(f"{label}: the file uses XML entities; for safety such XML is not read.") from exc
        line = f" at line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise CodebookProblem(f"{label}: not well-formed XML{line}: {exc.msg}.") from exc
    except ValueError as exc:
        raise CodebookProblem(f"{label}: not readable as XML: {exc}.") from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise CodebookProblem(f"{label}: the file declares a DOCTYPE; for safety such XML is not read.")
    if any(True for _ in root.iter(etree.Entity)):
        raise CodebookProblem(f"{label}: the file uses XML entities; for safety such XML is not read.")
    return root


def check_size(root: etree._Element, label: str) -> None:
    """Refuse, before the schema is checked, more codes than ``codebook.MAX_CODES`` or codes nested deeper than ``codebook.MAX_DEPTH``.

    The depth is measured without recursion (xmlschema and the reader below would
    otherwise walk a deep tree one Python frame per level).
    """
    from .. import codebook

    count, deepest, line = 0, 0, None
    stack = [(child, 1) for child in root.iterchildren(_q("Codes"))]
    while stack:
        el, depth = stack.pop()
        for child in el.iterchildren(_q("Code")):
            count += 1
            if count > codebook.MAX_CODES:
                raise CodebookProblem(f"{label}: refused: more than {codebook.MAX_CODES:,} codes; a codebook holds at most "
                                      f"{codebook.MAX_CODES:,} codes.")
            if depth > deepest:
                deepest, line = depth, child.sourceline
            stack.append((child, depth + 1))
    if deepest > codebook.MAX_DEPTH:
        raise CodebookProblem(f"{label}, line {line}: codes are nested more than {codebook.MAX_DEPTH} levels deep "
                              f"({deepest:,} levels); a codebook holds at most {codebook.MAX_DEPTH} levels.")


def validate(root: etree._Element, label: str) -> None:
    """Raise a CodebookProblem listing the first schema violations, if there are any."""
    problems = []
    for error in schema().iter_errors(root):
        line = getattr(error, "sourceline", None)
        where = f"line {line}: " if line else ""
        reason = (error.reason or str(error)).strip().rstrip(".")
        problems.append(f"{label}, {where}{reason}" if where else f"{label}: {reason}")
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise CodebookProblem(f"{label}: not a valid REFI-QDA codebook (QDA-XML 1.0 Codebook schema): "
                              + " | ".join(problems), problems)


def _color(value: str | None) -> str:
    value = (value or "").strip()
    short = _SHORT_RGB.match(value)
    return "#" + "".join(c * 2 for c in short.groups()) if short else value


def to_items(root: etree._Element) -> list[dict]:
    """The codes of a validated CodeBook as the raw dicts ``codebook.parse_specs`` takes."""

    def item(el) -> dict:
        desc = el.find(_q("Description"))
        fields = split_description(desc.text if desc is not None else "")
        raw = {"__line__": el.sourceline, "name": el.get("name", ""), **fields}
        color = _color(el.get("color"))
        if color:
            raw["color"] = color
        return raw

    codes_el = root.find(_q("Codes"))
    if codes_el is None:
        return []
    top: list[dict] = []
    stack = [(el, top) for el in reversed(codes_el.findall(_q("Code")))]  # no recursion, whatever the depth
    while stack:
        el, siblings = stack.pop()
        raw = item(el)
        siblings.append(raw)
        children = el.findall(_q("Code"))
        if children:
            raw["children"] = []
            stack.extend((child, raw["children"]) for child in reversed(children))
    return top


def read_qdc(source: str | Path | bytes, *, name: str | None = None):
    """Read a ``.qdc`` file (path or bytes) into ``(title, specs)`` for ``codebook.load``; title is always None.

    Raises CodebookProblem (a QualbenchError) for unsafe, malformed or schema-invalid XML
    and for the same code problems a YAML codebook is checked for.
    """
    from .. import codebook

    if isinstance(source, (str, Path)) and not (isinstance(source, str) and source.lstrip().startswith("<")):
        label = name or Path(source).name
        data = codebook.read_file(source, label)
    else:
        label = name or "codebook.qdc"
        data = source.encode("utf-8") if isinstance(source, str) else bytes(source)
    root = parse(data, label)
    check_size(root, label)
    validate(root, label)
    items = to_items(root)
    if not items:
        raise CodebookProblem(f"{label}: no codes found.")
    return None, codebook.parse_specs(items, label)


def is_qdc(source, label: str = "") -> bool:
    """Whether ``source`` (path, text or bytes) is a REFI-QDA codebook: by the name's suffix, else by its content."""
    if label.lower().endswith(".qdc"):
        return True
    if label.lower().endswith((".yaml", ".yml")):
        return False
    if isinstance(source, bytes):
        head = source[:512]
    elif isinstance(source, str) and ("\n" in source or source.lstrip().startswith("<")):
        head = source[:512].encode("utf-8", errors="replace")
    else:
        try:
            with open(source, "rb") as handle:
                head = handle.read(512)
        except (OSError, TypeError, ValueError):
            return False
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and (b"CodeBook" in head or head.startswith(b"<?xml"))
