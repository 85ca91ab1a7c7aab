"""Documents: importers for txt, md, docx, odt, rtf, pdf, vtt and srt, and document CRUD.

An importer turns a file's bytes into normalised text (NFC, ``\\n`` newlines, no
BOM, no control characters) and a list of turns: speaker turns of a transcript or
paragraphs of notes, as code-point offset ranges into that text. A transcript turn's
range covers what was said, not the ``Speaker:`` label in front of it; what comes
before the first spoken turn (title, ``Dato:`` and ``Sted:`` lines) is one heading
unit without a speaker. :func:`turn_numbers` numbers turns for citations.

Each import is one transaction: a file that fails changes nothing, and the same
text imported twice (same sha256 after normalisation) is recognised and skipped.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
import sqlite3
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from lxml import etree

from . import names, store
from .errors import ImportProblem, NotFound, QualbenchError

# Bounds on one document. Each is checked while the file is read, before the memory or
# time it guards is spent; a file past one is refused with a message naming the limit.
# A two-hour interview is about 120,000 characters in 500 turns: the limits are far
# above any real transcript or field diary, and far below what would take the server down.
MAX_FILE_BYTES = 50 * 1024 * 1024  # one document; a larger upload is refused before it is read
MAX_CHARACTERS = 5_000_000  # characters of text (about 2,000 pages), counted as the text is built
MAX_PARAGRAPHS = 200_000  # paragraphs of one document (table rows, subtitle cues and PDF pages count as paragraphs)
MAX_LINES = 500_000  # lines of its text (a paragraph may have several)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # docx/odt are zip archives: the XML they inflate to, counted while inflating
MAX_ZIP_RATIO = 200  # ... and past 10 MB no more than 200 times the file's size
MAX_XML_ELEMENTS = 2_000_000  # elements in a docx/odt's XML, counted before it is parsed into a tree
MAX_ODT_SPACES = 1_000  # an ODT run of spaces (<text:s text:c="n"/>) longer than this is cut to it
MAX_PDF_PAGES = 10_000
FORMATS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
    ".odt": "odt", ".rtf": "rtf", ".pdf": "pdf", ".vtt": "vtt", ".srt": "srt",
}


@dataclass
class Turn:
    start: int
    end: int
    speaker: str | None = None
    timestamp: str | None = None


@dataclass
class ParsedDocument:
    """What an importer makes of a file, before it is stored."""

    text: str
    turns: list[Turn] = field(default_factory=list)
    format: str = "txt"
    encoding: str | None = None
    is_transcript: bool = False
    controls_removed: int = 0  # NUL and other control characters taken out of the file's text
    cp1252_lines: list[int] = field(default_factory=list)  # lines (1-based) of a mostly UTF-8 text file read as cp1252


class _Budget:
    """A document's characters and paragraphs, counted as its text is built; past a limit, the file is refused.

    Counting while building, not after, is what keeps a small file from growing into a
    huge text (thousands of ODT space runs, hundreds of thousands of empty paragraphs).
    """

    def __init__(self, name: str):
        self.name, self.characters, self.paragraphs = name, 0, 0

    def text(self, text: str) -> str:
        self.characters += len(text)
        if self.characters > MAX_CHARACTERS:
            raise too_large(self.name, "characters", MAX_CHARACTERS)
        return text

    def paragraph(self, count: int = 1) -> None:
        self.paragraphs += count
        if self.paragraphs > MAX_PARAGRAPHS:
            raise too_large(self.name, "paragraphs", MAX_PARAGRAPHS)


def too_large(name: str, what: str, limit: int) -> ImportProblem:
    """The message for a document past one of the limits above."""
    return ImportProblem(f"{name}: refused: the document has more than {limit:,} {what} (Qualbench's limit for one document); "
                         "split it into parts and import those.")


# --- text helpers ----------------------------------------------------------------


def normalise(text: str) -> str:
    """NFC, ``\\n`` newlines, no BOM, no control characters, no trailing spaces on lines, no leading/trailing blank lines."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0c", "\n\n").replace("\x0b", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = remove_controls(text)[0]
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


# C0 controls other than tab and newline, and DEL. Carriage return, vertical tab (Word's
# manual line break) and form feed (a page break) are not removed: normalise() reads
# them as a newline, a newline and a paragraph break.
_REMOVED_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def remove_controls(text: str) -> tuple[str, int]:
    """The text without control characters (NUL, ESC, DEL, ...), and how many went.

    Tab, newline, carriage return, vertical tab and form feed stay (see :func:`normalise`).
    A NUL inside a document cuts it short for SQLite's ``length()`` and for many
    programs that read an export; the other controls have no meaning in a text a
    researcher codes.
    """
    return _REMOVED_CONTROLS.subn("", text)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode text bytes: BOMs first (UTF-8, UTF-16, UTF-32), then UTF-8, then cp1252, then latin-1.

    Danish text exported from older Windows programs usually arrives as cp1252; its
    "æøå" survive the fallback. Bytes that decode to control characters under every
    guess (a binary file renamed to .txt) are refused. A file that is mostly UTF-8 with
    some cp1252 lines is read line by line (:func:`decode_lines`).
    """
    text, encoding, _ = decode_lines(data, name)
    return text, encoding


def _mixed(data: bytes) -> tuple[str, list[int]] | None:
    """A text that is UTF-8 with some lines in cp1252 (transcripts pasted together), read line by line.

    None unless some line is UTF-8 beyond ASCII and some line is not UTF-8 at all: a
    file with no UTF-8 letters in it is cp1252 through and through.
    """
    lines, cp1252, utf8_letters = data.split(b"\n"), [], False
    for i, line in enumerate(lines):
        try:
            lines[i] = line.decode("utf-8")
            utf8_letters = utf8_letters or not line.isascii()
        except UnicodeDecodeError:
            try:
                lines[i] = line.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                lines[i] = line.decode("latin-1")
            cp1252.append(i + 1)
    return ("\n".join(lines), cp1252) if utf8_letters and cp1252 else None


def decode_lines(data: bytes, name: str) -> tuple[str, str, list[int]]:
    """:func:`decode`, and the lines (1-based) of a mixed UTF-8/cp1252 file that were read as cp1252."""
    boms = [
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ]
    candidates = [enc for bom, enc in boms if data.startswith(bom)][:1]
    if not candidates and len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        # UTF-16 without a BOM: every other byte of Latin text is zero.
        candidates = ["utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"]
    wide = any(c.startswith(("utf-16", "utf-32")) for c in candidates)  # lines are not split on one byte
    candidates += ["utf-8", "mixed", "cp1252", "latin-1"]
    for encoding in candidates:
        cp1252_lines: list[int] = []
        if encoding == "mixed":
            if wide or (mixed := _mixed(data)) is None:
                continue
            (text, cp1252_lines), encoding = mixed, "utf-8"
        else:
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, UnicodeError):
                continue
        if len(_CONTROL.findall(text)) <= max(2, len(text) // 1000):
            return text, encoding.replace("-sig", ""), cp1252_lines
    raise ImportProblem(f"{name}: this is not readable text in any encoding Qualbench knows (is it a binary file?).")


# --- speaker turns and paragraphs ------------------------------------------------

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL = re.compile(
    rf"^(?:[\[(]?(?P<ts>{_TIME})[\])]?\s*[-–]?\s*)?"  # optional [00:12:03]
    r"(?P<speaker>[A-ZÆØÅÄÖÜ][\w.'’-]*(?: [A-ZÆØÅÄÖÜ][\w.'’-]*){0,3}|I|R|Q|A)"  # Interviewer, I, R, Lone, Amir Haddad
    r"\s*:(?:[ \t]+(?=\S)|[ \t]*$)"  # text follows on the line, or on the next lines
)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Blocks of text separated by blank lines; lines when the text has no blank lines."""
    sep = r"\n\s*\n" if "\n\n" in text else r"\n"
    spans, pos = [], 0
    for m in re.finditer(sep, text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def paragraph_turns(text: str) -> list[Turn]:
    """Paragraphs of notes as turns (no speaker)."""
    turns = []
    for a, b in _paragraph_spans(text):
        a, b = _strip_span(text, a, b)
        if a < b:
            turns.append(Turn(a, b))
    return turns


def speaker_turns(text: str) -> list[Turn] | None:
    """Speaker turns of a transcript, or None when the text does not read as one.

    A line that starts with a speaker's label ("Interviewer:", "I:", "R:", "Lone:",
    "[00:12:03] Lone:") starts a turn; following lines and paragraphs without a label
    continue it (a long answer spans paragraphs). A label is a speaker's when it
    recurs (two or more turns) or when it occurs once inside the exchange, after the
    first turn of a recurring speaker (a focus-group participant who speaks once, an
    interviewee who answers once). A label that occurs once before the exchange
    ("Dato: 12. marts 2026", "Sted: ...", "Varighed: 52 min") is metadata: everything
    before the first speaker's turn, title and metadata lines alike, is one heading
    unit, a turn without a speaker.
    The text reads as a transcript when two or more speakers take three or more
    turns, and, from the first speaker's turn on, either half of the paragraphs start
    with a speaker's label or (text without blank lines, as from PDF and RTF) the
    speakers' turns cover 60 % of the text.
    """
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    matches = [_LABEL.match(line) for _, line in lines]
    times: dict[str, int] = {}
    for m in matches:
        if m:
            times[m.group("speaker")] = times.get(m.group("speaker"), 0) + 1
    first = next((i for i, m in enumerate(matches) if m and times[m.group("speaker")] >= 2), None)
    if first is None:
        return None
    labels = [m if i >= first else None for i, m in enumerate(matches)]  # the header's labels are metadata
    speakers = {m.group("speaker") for m in labels if m}
    if len(speakers) < 2 or sum(1 for m in labels if m) < 3:
        return None
    turns: list[Turn] = [Turn(0, lines[first][0])]  # the heading: all before the first speaker's turn
    label_chars = 0
    for (p, line), m in zip(lines[first:], labels[first:]):
        if m:
            ts = m.group("ts")
            turns.append(Turn(p + m.end(), p + len(line), m.group("speaker"), _norm_time(ts) if ts else None))
            label_chars += m.end()
        elif line.strip():
            turns[-1].end = p + len(line)
    out = []
    for t in turns:
        t.start, t.end = _strip_span(text, t.start, t.end)
        if t.start < t.end:
            out.append(t)
    # Read from the exchange on: the heading counts for nothing either way.
    exchange = lines[first][0]
    if "\n\n" in text:  # paragraphs: at least half of the exchange's start with a speaker's label
        paragraphs = [a for a, _ in _paragraph_spans(text) if a >= exchange]
        starts = {p for (p, _), m in zip(lines, labels) if m}
        enough = sum(1 for a in paragraphs if a in starts) >= len(paragraphs) / 2
    else:  # lines (PDF, RTF): speakers' turns, with their wrapped lines, cover most of the exchange
        enough = label_chars + sum(t.end - t.start for t in out if t.speaker) >= 0.6 * len(text[exchange:].strip())
    return out if enough else None


def turn_numbers(turns) -> list[int | None]:
    """Each turn's number in a citation ("document, speaker, turn N"), as a reader counts them.

    In a transcript (some turn has a speaker) the spoken turns are numbered 1, 2, ...
    and a heading unit (no speaker, no timestamp: the title and metadata lines before
    the first spoken turn) gets None. In notes every paragraph is numbered 1..n.
    ``turns`` are :class:`Turn` objects or rows with ``speaker`` and ``timestamp``, in text order.
    """
    def get(turn, key):
        return turn.get(key) if isinstance(turn, dict) else getattr(turn, key)

    transcript = any(get(t, "speaker") for t in turns)
    numbers, n = [], 0
    for t in turns:
        if transcript and not get(t, "speaker") and not get(t, "timestamp"):
            numbers.append(None)
        else:
            n += 1
            numbers.append(n)
    return numbers


def _norm_time(ts: str) -> str:
    ts = ts.replace(",", ".")
    parts = ts.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    h, m, s = parts
    return f"{int(h):02d}:{int(m):02d}:{s if '.' in s else f'{int(s):02d}'}"


def _text_document(text: str, fmt: str, encoding: str | None = None, *, name: str = "") -> ParsedDocument:
    text = normalise(text)
    if text.count("\n") >= MAX_LINES:  # before the text is cut into lines and turns
        raise too_large(name, "lines", MAX_LINES)
    turns = speaker_turns(text)
    return ParsedDocument(text, turns or paragraph_turns(text), fmt, encoding, turns is not None)


# --- format readers --------------------------------------------------------------


_CHUNK = 1 << 20  # an archive member is inflated a megabyte at a time


def _directory_check(infos: list[zipfile.ZipInfo], data: bytes, name: str) -> None:
    """Refuse a zip bomb that admits it, from the archive's directory, before anything is inflated."""
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNZIPPED_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
        raise ImportProblem(
            f"{name}: refused: it would unpack to {total // (1024 * 1024)} MB from {len(data) // 1024} KB "
            "(a zip bomb or a corrupt file)."
        )


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, name: str, what: str, spent: int) -> bytes:
    """One member's bytes, inflated a chunk at a time under a running cap; ``spent`` is what earlier members took.

    The directory's sizes are never trusted: zipfile's own ``read()`` asks zlib for up
    to 2 GB in one call, so a member whose directory entry lies is inflated whole before
    its CRC fails. Here no more than a chunk is inflated past the cap.
    """
    if info.flag_bits & 0x1:
        raise ImportProblem(f"{name}: the {what} file is password-protected; save an unprotected copy and import that.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):  # all that OOXML and ODF allow
        raise ImportProblem(f"{name}: the {what} file is damaged or not written by a word processor "
                            f"(its {info.filename} uses compression method {info.compress_type}).")
    chunks, total = [], spent
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                total += len(chunk)
                if total > MAX_UNZIPPED_BYTES or (total > 10 * 1024 * 1024 and total > MAX_ZIP_RATIO * len(data)):
                    raise ImportProblem(f"{name}: refused: it unpacks to more than {min(total, MAX_UNZIPPED_BYTES) // (1024 * 1024)} MB "
                                        f"from {len(data) // 1024} KB (a zip bomb or a corrupt file).")
                chunks.append(chunk)
    except ImportProblem:
        raise
    except RuntimeError as exc:  # zipfile: "is encrypted, password required"
        raise ImportProblem(f"{name}: the {what} file is password-protected; save an unprotected copy and import that.") from exc
    except Exception as exc:  # a bad CRC, broken deflate data, a truncated archive
        raise ImportProblem(f"{name}: the {what} file is damaged and cannot be read "
                            f"({names.shorten(info.filename, 60)} {_damage(exc)}).") from exc
    return b"".join(chunks)


def _damage(exc: Exception) -> str:
    """What went wrong inside an archive member, in words."""
    import zlib

    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return "fails its checksum: the file was altered or cut short"
    if isinstance(exc, zlib.error):
        return "has broken compressed data"
    if isinstance(exc, EOFError):
        return "is cut short"
    return f"cannot be unpacked: {type(exc).__name__}"


def _unzip(data: bytes, name: str, what: str, required: str, *, wanted) -> dict[str, bytes]:
    """The members of a docx/odt archive: those for which ``wanted(filename)`` is true inflated under the caps, the others empty.

    Also refused before the XML is parsed: more elements in all of it than
    MAX_XML_ELEMENTS (counted as start tags, a fast byte count that can only
    overestimate), so the tree lxml builds stays small.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportProblem(f"{name}: not a {what} file (it is not a zip archive, as {what} files are).") from exc
    except Exception as exc:  # a directory whose offsets or sizes make no sense
        raise ImportProblem(f"{name}: the {what} file is damaged and cannot be read ({type(exc).__name__}).") from exc
    _directory_check(infos, data, name)
    if required not in {i.filename for i in infos}:
        raise ImportProblem(f"{name}: not a {what} file ({required} is missing from the archive).")
    members: dict[str, bytes] = {}
    spent = elements = 0
    for info in infos:
        if info.is_dir():
            continue
        if not wanted(info.filename):
            members[info.filename] = b""  # named, not read
            continue
        member = _inflate(archive, info, data, name, what, spent)
        spent += len(member)
        elements += member.count(b"<") - member.count(b"</")
        if elements > MAX_XML_ELEMENTS:
            raise ImportProblem(f"{name}: refused: the document's XML has more than {MAX_XML_ELEMENTS:,} elements "
                                "(Qualbench's limit for one document); split it into parts and import those.")
        members[info.filename] = member
    return members


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_R, _W_HYPERLINK = (_W + t for t in ("p", "tbl", "tr", "tc", "r", "hyperlink"))
_W_RUN_TEXT = tuple(_W + t for t in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def _docx_paragraph(p, budget: _Budget) -> str:
    """A paragraph's text as python-docx's ``Paragraph.text`` gives it (runs and hyperlinks' runs), read in one pass."""
    budget.paragraph()
    out = []
    for child in p.iterchildren(_W_R, _W_HYPERLINK):
        for run in ((child,) if child.tag == _W_R else child.iterchildren(_W_R)):
            out.extend(budget.text(str(item)) for item in run.iterchildren(*_W_RUN_TEXT))  # python-docx's text of a w:t, w:tab, w:br ...
    return "".join(out)


def read_docx(data: bytes, name: str) -> str:
    """Paragraphs and tables of the body in document order; a table row becomes one tab-separated line.

    The archive is inflated here, under the caps (:func:`_unzip`); python-docx gets an
    archive rebuilt in memory from those members (pictures and other binary parts left
    empty: text is all we read) and finds the main document in it. The text is then
    read from its XML in one pass, counted against MAX_CHARACTERS and MAX_PARAGRAPHS as
    it is built. Each table cell is read once, also where it is merged across columns
    or down rows (python-docx repeats a merged cell for every grid cell it covers).
    """
    import docx  # python-docx

    what = "Word (.docx)"
    members = _unzip(data, name, what, "word/document.xml", wanted=lambda member: member.lower().endswith((".xml", ".rels")))
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as rebuilt:
        for member, content in members.items():
            rebuilt.writestr(member, content)
    del members
    try:
        body = docx.Document(package).element.body
    except Exception as exc:  # python-docx raises many kinds on broken packages
        raise ImportProblem(f"{name}: the Word document is damaged and cannot be read ({type(exc).__name__}).") from exc
    if body is None:
        return ""
    budget = _Budget(name)
    if sum(1 for _ in body.iter(_W_P, _W_TR)) > MAX_PARAGRAPHS:  # a fast count before the slower reading
        raise too_large(name, "paragraphs", MAX_PARAGRAPHS)
    blocks = []
    for item in body.iterchildren(_W_P, _W_TBL):
        if item.tag == _W_P:
            blocks.append(_docx_paragraph(item, budget))
            continue
        rows = []
        for row in item.iterchildren(_W_TR):
            budget.paragraph()
            cells = ("\n".join(_docx_paragraph(p, budget) for p in cell.iterchildren(_W_P)).strip() for cell in row.iterchildren(_W_TC))
            rows.append("\t".join(cells))
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _safe_xml(data: bytes, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportProblem(f"{name}: the document's XML is damaged ({names.shorten(str(exc.msg), 200)}).") from exc


def _odt_spaces(count: str | None) -> str:
    """The spaces of ``<text:s text:c="count"/>``: one when the count is missing or not a positive whole number, at most MAX_ODT_SPACES."""
    count = (count or "").strip()
    if not (count.isascii() and count.isdigit()):
        return " "
    return " " * max(1, min(int(count[:7]), MAX_ODT_SPACES))


def read_odt(data: bytes, name: str) -> str:
    """Headings, paragraphs, lists and tables of an OpenDocument text, in order (read with lxml, entities off).

    Only ``content.xml`` is inflated (under the caps of :func:`_unzip`); the text is
    counted against MAX_CHARACTERS and MAX_PARAGRAPHS as it is built.
    """
    content = _unzip(data, name, "OpenDocument (.odt)", "content.xml", wanted=lambda member: member == "content.xml")
    root = _safe_xml(content["content.xml"], name)
    del content
    t, tb = f"{{{_ODF_TEXT}}}", f"{{{_ODF_TABLE}}}"
    budget = _Budget(name)

    def inline(el: etree._Element) -> str:
        out = [budget.text(el.text or "")]
        for child in el:
            if child.tag == t + "s":
                out.append(budget.text(_odt_spaces(child.get(t + "c"))))
            elif child.tag == t + "tab":
                out.append(budget.text("\t"))
            elif child.tag == t + "line-break":
                out.append(budget.text("\n"))
            elif child.tag in (t + "note",):
                pass  # footnotes would break the reading order
            else:
                out.append(inline(child))
            out.append(budget.text(child.tail or ""))
        return "".join(out)

    blocks: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if child.tag in (t + "p", t + "h"):
                budget.paragraph()
                blocks.append(inline(child))
            elif child.tag == tb + "table":
                rows = []
                for row in child.iter(tb + "table-row"):
                    budget.paragraph()
                    cells = [" ".join(inline(p) for p in cell.iter(t + "p")) for cell in row.iter(tb + "table-cell")]
                    rows.append("\t".join(cells))
                blocks.append("\n".join(rows))
            else:
                walk(child)

    body = root.find(f"{{urn:oasis:names:tc:opendocument:xmlns:office:1.0}}body")
    walk(body if body is not None else root)
    return "\n\n".join(blocks)


def read_rtf(data: bytes, name: str) -> str:
    from striprtf.striprtf import rtf_to_text

    raw = data.decode("latin-1")
    if not raw.lstrip().startswith("{\\rtf"):
        raise ImportProblem(f"{name}: not an RTF file (it does not start with {{\\rtf).")
    match = re.search(r"\\ansicpg(\d+)", raw[:2000])
    encoding = f"cp{match.group(1)}" if match else "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    try:
        return rtf_to_text(raw, encoding=encoding, errors="replace")
    except Exception as exc:
        raise ImportProblem(f"{name}: the RTF file is damaged and cannot be read ({type(exc).__name__}).") from exc


def read_pdf(data: bytes, name: str) -> str:
    """The text layer, page by page (pypdf). A PDF without text gets a message about OCR."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5] == b"%PDF-":
        raise ImportProblem(f"{name}: not a PDF file (it does not start with %PDF).")
    from pypdf.errors import LimitReachedError

    budget = _Budget(name)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportProblem(f"{name}: the PDF is password-protected; save an unprotected copy and import that.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise too_large(name, "pages", MAX_PDF_PAGES)
        pages = []
        for page in reader.pages:  # counted page by page: a page's text is the most pypdf builds at once
            budget.paragraph()
            pages.append(budget.text(page.extract_text() or ""))
    except ImportProblem:
        raise
    except LimitReachedError as exc:  # pypdf's own bounds on streams, arrays and dictionaries
        raise ImportProblem(f"{name}: refused: the PDF holds more than a document's text can need "
                            f"({names.shorten(str(exc), 120)}).") from exc
    except (PdfReadError, Exception) as exc:
        raise ImportProblem(f"{name}: the PDF is damaged and cannot be read ({type(exc).__name__}).") from exc
    if not "".join(pages).strip():
        raise ImportProblem(
            f"{name}: the PDF has no text layer (a scanned document?). Run it through OCR first, then import the result."
        )
    return "\n\n".join(pages)


_CUE_TIME = re.compile(r"(?P<start>(?:\d{1,4}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d{1,4}:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")


def read_cues(raw: str, name: str, fmt: str) -> ParsedDocument:
    """WebVTT or SubRip cues -> a transcript; consecutive cues of one speaker make one turn.

    The speaker comes from a ``<v Name>`` voice tag or a ``Name:`` prefix; the cue
    start time becomes the turn's timestamp. The text reads ``[hh:mm:ss] Name: ...``
    per turn, like a typed transcript.
    """
    raw = normalise(raw)
    if fmt == "vtt" and not raw.startswith("WEBVTT"):
        raise ImportProblem(f"{name}: not a WebVTT file (it must start with WEBVTT).")
    cues = []
    for block in re.split(r"\n\s*\n", raw):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            m = _CUE_TIME.search(line)
            if m:
                body = " ".join(part.strip() for part in lines[i + 1:] if part.strip())
                voice = _VOICE.search(body)
                speaker = voice.group(1).strip() if voice else None
                body = _TAG.sub("", body).strip()
                if speaker is None:
                    label = _LABEL.match(body)
                    if label:
                        speaker, body = label.group("speaker"), body[label.end():]
                if body:
                    cues.append((_norm_time(m.group("start")).split(".")[0], speaker, _html_unescape(body)))
                break
    if not cues:
        raise ImportProblem(f"{name}: no cues found (no lines like 00:00:01.000 --> 00:00:04.000).")
    merged: list[list] = []
    for ts, speaker, body in cues:
        if merged and speaker == merged[-1][1]:
            merged[-1][2] += " " + body
        else:
            merged.append([ts, speaker, body])
    parts, turns, pos = [], [], 0
    for ts, speaker, body in merged:
        prefix = f"[{ts}] {speaker}: " if speaker else f"[{ts}] "
        body = unicodedata.normalize("NFC", body)
        turns.append(Turn(pos + len(prefix), pos + len(prefix) + len(body), speaker, ts))
        parts.append(prefix + body)
        pos += len(prefix) + len(body) + 2
    return ParsedDocument("\n\n".join(parts), turns, fmt, "utf-8", True)


def _html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def parse(data: bytes, name: str) -> ParsedDocument:
    """Read a file's bytes by its extension; raises ImportProblem naming the file and the reason."""
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(sorted({s for s in FORMATS}))
        raise ImportProblem(f"{name}: Qualbench cannot import {suffix or 'files without an extension'} files (it reads {known}).")
    if len(data) > MAX_FILE_BYTES:
        raise ImportProblem(f"{name}: too large ({len(data) // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB per document).")
    if not data.strip():
        raise ImportProblem(f"{name}: the file is empty.")
    cp1252_lines: list[int] = []
    if fmt in ("txt", "md", "vtt", "srt"):
        if len(data) > 4 * MAX_CHARACTERS:  # no encoding takes more than 4 bytes a character: over the limit, unread
            raise too_large(name, "characters", MAX_CHARACTERS)
        text, encoding, cp1252_lines = decode_lines(data, name)
    else:
        reader = {"docx": read_docx, "odt": read_odt, "rtf": read_rtf, "pdf": read_pdf}[fmt]
        text, encoding = reader(data, name), None
    if len(text) > MAX_CHARACTERS:
        raise too_large(name, "characters", MAX_CHARACTERS)
    # Control characters go before anything is read from the text: turns, offsets and
    # the sha256 that recognises a duplicate are all of the cleaned text.
    text, removed = remove_controls(text)
    if fmt in ("vtt", "srt"):
        parsed = read_cues(text, name, fmt)
        parsed.encoding = encoding
    else:
        parsed = _text_document(text, fmt, encoding, name=name)
    if len(parsed.turns) > MAX_PARAGRAPHS:
        raise too_large(name, "paragraphs", MAX_PARAGRAPHS)
    parsed.controls_removed = removed
    parsed.cp1252_lines = cp1252_lines
    if not parsed.text.strip():
        raise ImportProblem(f"{name}: the document has no text.")
    return parsed


# --- storing documents -------------------------------------------------------------


@dataclass
class ImportResult:
    """One file's outcome: ``status`` is "imported", "duplicate" or "failed"."""

    name: str
    status: str
    message: str
    document_id: int | None = None


def _clean_kind(kind: str | None, parsed: ParsedDocument) -> str:
    if kind is None:
        return "interview" if parsed.is_transcript else "other"
    if kind not in store.DOCUMENT_KINDS:
        raise QualbenchError(f"Unknown document kind {kind!r}; use one of {', '.join(store.DOCUMENT_KINDS)}.")
    return kind


def _clean_attributes(attributes: dict | None) -> dict[str, str]:
    out = {}
    for key, value in (attributes or {}).items():
        key = " ".join(str(key).split())
        if not key:
            raise QualbenchError("An attribute needs a name (use NAME=VALUE).")
        out[key] = "" if value is None else str(value).strip()
    return out


def add_document(
    db: sqlite_utils.Database,
    parsed: ParsedDocument,
    *,
    title: str,
    source_name: str | None = None,
    kind: str | None = None,
    attributes: dict | None = None,
    who: str,
) -> ImportResult:
    """Store a parsed document with its turns and attributes (one transaction, one event)."""
    kind = _clean_kind(kind, parsed)
    attributes = _clean_attributes(attributes)
    digest = sha256(parsed.text)
    label = source_name or title
    existing = store.rows(db, "SELECT id, title FROM documents WHERE sha256 = ?", [digest])
    if existing:
        doc = existing[0]
        return ImportResult(label, "duplicate", f"{label}: already in the project as document {doc['id']} “{doc['title']}”; not imported again.", doc["id"])
    # a title from a file name: invisible direction and control characters go (they could make it read as another)
    title = names.collapse("".join(c for c in title if c not in names.BIDI_CONTROLS and not names.is_control(c))) or "Untitled"
    with db.atomic():
        row = {
            "title": title, "kind": kind, "text": parsed.text, "sha256": digest,
            "source_name": source_name, "source_format": parsed.format,
            "imported_at": store.now(), "imported_by": who,
        }
        doc_id = db["documents"].insert(row).last_pk
        db["turns"].insert_all(
            {"document_id": doc_id, "index": i, "start": t.start, "end": t.end, "speaker": t.speaker, "timestamp": t.timestamp}
            for i, t in enumerate(parsed.turns)
        )
        db["document_attributes"].insert_all({"document_id": doc_id, "name": k, "value": v} for k, v in attributes.items())
        store.record(
            db, who=who, action="import", entity="document", entity_id=doc_id,
            after={"title": title, "kind": kind, "source_name": source_name, "sha256": digest,
                   "turns": len(parsed.turns), "attributes": attributes},
        )
    unit = "turn" if parsed.is_transcript else "paragraph"
    what = f"{len(parsed.turns)} {unit}{'s' * (len(parsed.turns) != 1)}"
    if parsed.controls_removed:
        n = parsed.controls_removed
        what += f"; {n} control character{'s' * (n != 1)} removed"
    if parsed.cp1252_lines:
        lines = parsed.cp1252_lines
        where = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
        what += (f"; mixed encodings: {len(lines)} line{'s' * (len(lines) != 1)} read as cp1252 "
                 f"(line{'s' * (len(lines) != 1)} {where}), the rest as UTF-8")
    return ImportResult(label, "imported", f"{label}: imported as “{title}” ({word_count(parsed.text)} words, {what}).", doc_id)


def import_bytes(
    db: sqlite_utils.Database,
    data: bytes,
    name: str,
    *,
    title: str | None = None,
    kind: str | None = None,
    attributes: dict | None = None,
    who: str,
) -> ImportResult:
    """Parse and store one file. Bad input raises ImportProblem and writes nothing."""
    parsed = parse(data, name)
    return add_document(db, parsed, title=title or Path(name).stem, source_name=Path(name).name,
                        kind=kind, attributes=attributes, who=who)


def import_path(db: sqlite_utils.Database, path: str | Path, **options) -> ImportResult:
    """Import a file from disk; its size is checked before it is read."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(f"{path}: no such file.")
    store.refuse_project_file(db, path, what="a document to import")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportProblem(f"{path.name}: too large ({size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB per document).")
    return import_bytes(db, path.read_bytes(), path.name, **options)


def import_many(db: sqlite_utils.Database, files, *, progress=None, **options) -> list[ImportResult]:
    """Import several files; one failure is reported and the others still go in.

    Every failure of one file is that file's failure, with one message naming it:
    bad input (ImportProblem), a database error, and any unexpected exception of an
    importer ("this file could not be read (KeyError)"; the traceback goes to the log).

    ``files`` holds paths or ``(name, bytes)`` pairs; ``progress(i, n, name)`` is
    called before each file (the Documents page draws a progress bar with it).
    """
    files = list(files)
    results = []
    for i, item in enumerate(files):
        name = item[0] if isinstance(item, tuple) else str(item)
        if progress:
            progress(i, len(files), Path(name).name)
        label = Path(name).name
        try:
            if isinstance(item, tuple):
                results.append(import_bytes(db, item[1], item[0], **options))
            else:
                results.append(import_path(db, item, **options))
        except QualbenchError as exc:
            results.append(ImportResult(label, "failed", str(exc)))
        except sqlite3.Error as exc:  # the project file, not this document: say so, and go on with the next file
            results.append(ImportResult(label, "failed", f"{label}: not imported: {store.explain(exc)}"))
        except Exception as exc:  # an importer's own bug or a library's surprise: this file's failure, not the upload's
            logging.getLogger("qualbench").exception("Unexpected error importing %s", label)
            results.append(ImportResult(label, "failed", f"{label}: this file could not be read ({type(exc).__name__})."))
    return results


# --- reading and editing documents ---------------------------------------------------


def resolve(db: sqlite_utils.Database, document: int | str) -> dict:
    """A document row by id or exact title."""
    key = str(document).strip()
    found = store.rows(db, "SELECT * FROM documents WHERE id = ?", [int(key)]) if key.isdigit() else []
    found = found or store.rows(db, "SELECT * FROM documents WHERE title = ?", [key])
    if not found:
        raise NotFound(f"No document {document!r} (give its id or exact title; `documents` lists them).")
    if len(found) > 1:
        raise QualbenchError(f"Several documents are titled {document!r}; use the id instead.")
    return found[0]


def list_documents(db: sqlite_utils.Database):
    """One row per document: id, title, kind, words, codings, attributes (a dict), imported_at."""
    import pandas as pd

    docs = store.rows(db, """
        SELECT d.id, d.title, d.kind, d.text, d.source_name, d.imported_at,
               (SELECT count(*) FROM codings c WHERE c.document_id = d.id) AS codings,
               (SELECT count(*) FROM turns t WHERE t.document_id = d.id) AS turns
        FROM documents d ORDER BY d.id""")
    attrs = attributes_by_document(db)
    for doc in docs:
        doc["words"] = word_count(doc.pop("text"))
        doc["attributes"] = attrs.get(doc["id"], {})
    columns = ["id", "title", "kind", "words", "codings", "turns", "attributes", "source_name", "imported_at"]
    return pd.DataFrame(docs, columns=columns)


def table(db: sqlite_utils.Database):
    """The documents list with one column per attribute (site, area, role, ...), for display and export."""
    frame = list_documents(db)
    attrs = frame.pop("attributes")
    names = sorted({name for a in attrs for name in a})
    for name in names:
        frame[name] = [a.get(name, "") for a in attrs]
    return frame[["id", "title", "kind", "words", "codings", *names, "turns", "source_name", "imported_at"]]


def attribute_values(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Attribute name -> its distinct values (for filters)."""
    out: dict[str, list[str]] = {}
    for row in store.rows(db, "SELECT DISTINCT name, value FROM document_attributes ORDER BY name, value"):
        out.setdefault(row["name"], []).append(row["value"])
    return out


def attributes_by_document(db: sqlite_utils.Database) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for row in store.rows(db, "SELECT document_id, name, value FROM document_attributes ORDER BY name"):
        out.setdefault(row["document_id"], {})[row["name"]] = row["value"]
    return out


def turns(db: sqlite_utils.Database, document_id: int) -> list[dict]:
    return store.rows(db, 'SELECT "index", start, "end", speaker, timestamp FROM turns WHERE document_id = ? ORDER BY "index"', [document_id])


def set_attributes(db: sqlite_utils.Database, document: int | str, attributes: dict, *, who: str) -> None:
    """Set (or with an empty value, remove) attributes of one document; one event."""
    doc = resolve(db, document)
    attributes = _clean_attributes(attributes)
    before = attributes_by_document(db).get(doc["id"], {})
    with db.atomic():
        for name, value in attributes.items():
            if value == "":
                db.execute("DELETE FROM document_attributes WHERE document_id = ? AND name = ?", [doc["id"], name])
            else:
                db["document_attributes"].upsert({"document_id": doc["id"], "name": name, "value": value}, pk=("document_id", "name"))
        after = attributes_by_document(db).get(doc["id"], {})
        store.record(db, who=who, action="set-attributes", entity="document", entity_id=doc["id"], before=before, after=after)


def update_document(db: sqlite_utils.Database, document: int | str, *, who: str, title: str | None = None, kind: str | None = None) -> None:
    """Change a document's title or kind (its text never changes)."""
    doc = resolve(db, document)
    changes = {}
    if title is not None and " ".join(title.split()) != doc["title"]:
        if not " ".join(title.split()):
            raise QualbenchError("A document needs a title.")
        changes["title"] = names.clean_name(title, what="The title", limit=500)
    if kind is not None and kind != doc["kind"]:
        if kind not in store.DOCUMENT_KINDS:
            raise QualbenchError(f"Unknown document kind {kind!r}; use one of {', '.join(store.DOCUMENT_KINDS)}.")
        changes["kind"] = kind
    if not changes:
        return
    with db.atomic():
        db["documents"].update(doc["id"], changes)
        store.record(db, who=who, action="update", entity="document", entity_id=doc["id"],
                     before={k: doc[k] for k in changes}, after=changes)


def delete_document(db: sqlite_utils.Database, document: int | str, *, who: str) -> dict:
    """Delete a document with its turns, attributes, codings and memos.

    The whole document is kept in the event's ``before`` (text, turns, attributes,
    codings, memos), so nothing is lost: :func:`restore_document` puts it back.
    """
    doc = resolve(db, document)
    doc_id = doc["id"]
    snapshot = {
        "document": doc,
        "attributes": attributes_by_document(db).get(doc_id, {}),
        "turns": store.rows(db, "SELECT * FROM turns WHERE document_id = ?", [doc_id]),
        "codings": store.rows(db, "SELECT * FROM codings WHERE document_id = ?", [doc_id]),
        "memos": store.rows(db, "SELECT * FROM memos WHERE target_type = 'document' AND target_id = ?", [doc_id])
        + store.rows(db, "SELECT m.* FROM memos m JOIN codings c ON m.target_type = 'coding' AND m.target_id = c.id WHERE c.document_id = ?", [doc_id]),
    }
    with db.atomic():
        db.execute("DELETE FROM memos WHERE target_type = 'coding' AND target_id IN (SELECT id FROM codings WHERE document_id = ?)", [doc_id])
        db.execute("DELETE FROM memos WHERE target_type = 'document' AND target_id = ?", [doc_id])
        db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        store.record(db, who=who, action="delete", entity="document", entity_id=doc_id, before=snapshot)
    return snapshot


def restore_document(db: sqlite_utils.Database, snapshot: dict, *, who: str, undoes: int | None = None) -> int:
    """Put back a document deleted by :func:`delete_document` from its snapshot."""
    with db.atomic():
        doc_id = db["documents"].insert(snapshot["document"]).last_pk
        db["turns"].insert_all(snapshot["turns"])
        db["document_attributes"].insert_all({"document_id": doc_id, "name": k, "value": v} for k, v in snapshot["attributes"].items())
        for coding in snapshot["codings"]:
            store.ensure_coder(db, coding["coder"], who=who)
        db["codings"].insert_all(snapshot["codings"])
        db["memos"].insert_all(snapshot["memos"])
        store.record(db, who=who, action="restore", entity="document", entity_id=doc_id, after={"title": snapshot["document"]["title"]}, undoes=undoes)
    return doc_id
