"""Fuzzing the importers and the codebook loader (issue 19): nothing imported can take the server down.

For every input, random bytes or a fixture from tests/data/ with bytes flipped, cut or
inserted (in the file itself and inside the XML of its archive), ``documents.parse``
either gives a document within the limits or raises an ImportProblem; the codebook
loader, given random YAML-ish text, random structures or a damaged .qdc, either gives a
plan or raises a CodebookProblem. Never another exception, never more than a few
seconds, never a huge result. Run with other seeds: ``--hypothesis-seed=N``.
"""

import io
import zipfile

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualbench import codebook, documents, store
from qualbench.errors import CodebookProblem, ImportProblem
from qualbench.export import refi

from ..guards import no_hang
from ..conftest import DATA, ROOT

pytestmark = pytest.mark.slow

FIXTURES = {name: (DATA / name).read_bytes() for name in (
    "interview.docx", "interview.odt", "interview.rtf", "interview.pdf", "interview.srt", "interview.vtt",
    "interview_cp1252.txt", "interview_utf16.txt", "interview_utf8bom.md", "timestamps.txt")}
EXTENSIONS = sorted(documents.FORMATS)
# No deadline: how fast an input is refused is the benchmarks' business; a hang is caught by no_hang.
FUZZ = settings(max_examples=int(__import__("os").environ.get("QB_FUZZ_EXAMPLES", 150)), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def parses_or_refuses(data: bytes, name: str) -> None:
    try:
        with no_hang():
            parsed = documents.parse(data, name)
    except ImportProblem as exc:
        assert str(exc).startswith(name) and len(str(exc)) < 1000
    else:
        assert 0 < len(parsed.text) <= documents.MAX_CHARACTERS and len(parsed.turns) <= documents.MAX_PARAGRAPHS
        assert all(0 <= t.start < t.end <= len(parsed.text) for t in parsed.turns)


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Each edit (where, how, junk): flip a byte, cut a stretch, or insert junk, at ``where`` modulo the length."""
    out = bytearray(data)
    for where, how, junk in edits:
        if not out:
            break
        at = where % len(out)
        if how == 0:
            out[at] ^= 1 << (where % 8)
        elif how == 1:
            del out[at:at + 1 + where % 64]
        else:
            out[at:at] = junk
    return bytes(out)


def rezipped(data: bytes, member: str, edits) -> bytes:
    """The archive with one member's bytes mutated and the archive written again (so its CRCs are right)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            archive.writestr(info.filename, mutate(content, edits) if info.filename == member else content)
    return buffer.getvalue()


EDITS = st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 2), st.binary(min_size=1, max_size=40)), min_size=1, max_size=12)
XML_JUNK = st.sampled_from([b"<", b">", b"</", b"/>", b"&", b"&amp;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b'"', b"<text:s text:c=\"-1\"/>",
                            b'<text:s text:c="99999999999"/>', b"<w:p>", b"</w:p>", b"<w:tbl><w:tr><w:tc>", b"<w:gridSpan w:val=\"9\"/>",
                            b"<w:vMerge/>", b"\xff\xfe", b"\x00", b"]]>", b"<![CDATA[", b"<?xml version='1.0'?>"])
XML_EDITS = st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 2), XML_JUNK), min_size=1, max_size=12)


@FUZZ
@given(data=st.binary(max_size=4096), extension=st.sampled_from(EXTENSIONS))
def test_random_bytes_in_every_format(data, extension):
    parses_or_refuses(data, "random" + extension)


@FUZZ
@given(fixture=st.sampled_from(sorted(FIXTURES)), edits=EDITS)
def test_fixtures_with_bytes_flipped_cut_or_inserted(fixture, edits):
    parses_or_refuses(mutate(FIXTURES[fixture], edits), fixture)


@FUZZ
@given(fixture=st.sampled_from(["interview.docx", "interview.odt"]), edits=XML_EDITS | EDITS)
def test_archives_with_their_xml_damaged(fixture, edits):
    member = "word/document.xml" if fixture.endswith(".docx") else "content.xml"
    parses_or_refuses(rezipped(FIXTURES[fixture], member, edits), fixture)


@FUZZ
@given(fixture=st.sampled_from(sorted(FIXTURES)), extension=st.sampled_from(EXTENSIONS))
def test_a_fixture_under_another_formats_name(fixture, extension):
    parses_or_refuses(FIXTURES[fixture], "renamed" + extension)


# --- the codebook loader ---------------------------------------------------------------------------

YAML_TOKENS = list("-:[]{}&*!|>'\"#%@`,? \n\n\n\t\\/<=~") + [
    "  ", "    ", "- ", ": ", "name: ", "codes:", "children:", "parent: ", "color: ", "shortcut: ", "codebook: ", "a", "Æ", "\u202e",
    "\x00", "&a ", "*a", "<<: ", "'#c0392b'", "yes", "1", "!!str ", "!!python/object ", "---\n", "...\n", "%YAML 1.1\n"]
YAML_TEXT = st.lists(st.sampled_from(YAML_TOKENS), max_size=200).map("".join)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
KEYS = st.sampled_from(["name", "children", "parent", "color", "shortcut", "description", "inclusion", "other"]) | st.text(max_size=8)
STRUCTURES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=40)


def plans_or_refuses(db, source, name: str) -> None:
    try:
        with no_hang():
            changes = codebook.load(db, source, who="fuzz", name=name, dry_run=True)
    except CodebookProblem as exc:
        assert len(str(exc)) <= CodebookProblem.MAX_MESSAGE_CHARS and len(exc.problems) <= CodebookProblem.MAX_PROBLEMS + 1
    else:
        assert len(changes) <= codebook.MAX_CODES


@pytest.fixture(scope="module")
def empty_project():
    database = store.open_project(":memory:")
    yield database
    database.close()


@FUZZ
@given(text=YAML_TEXT)
def test_random_yaml_ish_text(empty_project, text):
    plans_or_refuses(empty_project, text.encode("utf-8", errors="surrogatepass"), "fuzz.yaml")


@FUZZ
@given(structure=STRUCTURES, wrap=st.booleans())
def test_random_structures(empty_project, structure, wrap):
    text = yaml.safe_dump({"codes": structure} if wrap else structure, allow_unicode=True)
    plans_or_refuses(empty_project, text.encode("utf-8", errors="surrogatepass"), "structure.yaml")


SHIPPED_YAML = (ROOT / "codebook.yaml").read_bytes()


@FUZZ
@given(edits=EDITS)
def test_the_shipped_codebook_damaged(empty_project, edits):
    plans_or_refuses(empty_project, mutate(SHIPPED_YAML, edits), "codebook.yaml")


@pytest.fixture(scope="module")
def shipped_qdc(sample_file):
    database = store.open_project(sample_file, create=False)
    try:
        return refi.codebook_qdc(database)
    finally:
        database.close()


@FUZZ
@given(edits=XML_EDITS | EDITS)
def test_a_damaged_qdc(empty_project, shipped_qdc, edits):
    plans_or_refuses(empty_project, mutate(shipped_qdc, edits), "codebook.qdc")
