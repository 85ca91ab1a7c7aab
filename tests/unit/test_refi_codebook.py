"""REFI-QDA codebook (.qdc): export valid against the XSD, round trip, imports from other tools, hostile files."""

import uuid
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from qualbench import codebook, store
from qualbench.errors import CodebookProblem, QualbenchError
from qualbench.export import refi

XSD = Path(refi.__file__).resolve().parent / "schemas" / "Codebook-mrt2019.xsd"
SHARED = Path("/work/shared/refi")
NS = {"q": refi.NS}


def codes_table(db):
    return [(c["path"], c["color"], c["description"], c["inclusion"], c["exclusion"], c["example"]) for c in codebook.codes(db)]


def test_schema_copy_is_the_published_file():
    import hashlib

    assert hashlib.sha256(XSD.read_bytes()).hexdigest() == "62a941a02df90991fd9e18bd97c571b88e3c493a722ef1e45a7247f787849c75"


def test_sample_codebook_export_is_valid(sample_db):
    data = refi.codebook_qdc(sample_db)
    schema = xmlschema.XMLSchema(str(XSD))
    assert schema.is_valid(data)
    assert list(schema.iter_errors(data)) == []
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook')
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    data.decode("utf-8")
    root = etree.fromstring(data)
    assert root.tag == f"{{{refi.NS}}}CodeBook"
    all_codes = root.findall(".//q:Code", NS)
    assert len(all_codes) == len(codebook.codes(sample_db))
    assert all(c.get("isCodable") == "true" for c in all_codes)
    assert len({c.get("guid") for c in all_codes}) == len(all_codes)
    # nesting follows the hierarchy
    top = root.findall("q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == [c["name"] for c in codebook.codes(sample_db) if c["depth"] == 0]
    cross = root.find("q:Codes/q:Code[@name='Cross-pressure']", NS)
    assert "Citizen expectations" in [c.get("name") for c in cross.findall("q:Code", NS)]
    text = cross.find("q:Description", NS).text
    assert text.startswith("Front-line staff are caught")
    assert "\n\nInclusion: Passages where" in text and "\n\nExclusion: " in text and "\n\nExample: " in text


def test_guids_are_stable_and_derived_from_the_path(sample_db):
    first, second = refi.codebook_qdc(sample_db), refi.codebook_qdc(sample_db)
    assert first == second
    root = etree.fromstring(first)
    child = root.find("q:Codes/q:Code[@name='Cross-pressure']/q:Code[@name='Citizen expectations']", NS)
    assert child.get("guid") == str(uuid.uuid5(refi.GUID_NAMESPACE, "Cross-pressure/Citizen expectations"))


def test_round_trip_into_an_empty_project(sample_db, db, tmp_path):
    out = codebook.dump(sample_db, tmp_path / "cb.qdc")
    changes = codebook.load(db, out, who="tester")
    assert {c.action for c in changes} == {"add"}
    assert codes_table(db) == codes_table(sample_db)
    original = codebook.dump_yaml(sample_db)
    title = store.get_setting(sample_db, "codebook_title")
    assert title  # the standard has no place for the title: it is the one line not carried over
    assert codebook.dump_yaml(db) == original.replace(f"codebook: {title}\n", "")
    # loading the same file again changes nothing
    assert [c for c in codebook.load(db, out, who="tester") if c.action != "keep"] == []


def test_description_labels_round_trip():
    code = {"description": "Line one.\n\nLine two.", "inclusion": "in", "exclusion": "", "example": "ex\nmore", "shortcut": "7"}
    text = refi.join_description(code)
    assert text == "Line one.\n\nLine two.\n\nInclusion: in\n\nExample: ex\nmore\n\nShortcut: 7"
    assert refi.split_description(text) == {**code, "exclusion": ""}
    assert refi.split_description("Only a description.") == {"description": "Only a description.", "inclusion": "",
                                                              "exclusion": "", "example": "", "shortcut": ""}
    assert refi.split_description("Inclusion: x\r\nexclusion: y")["exclusion"] == "y"
    assert refi.join_description({}) == ""


OTHER_TOOL = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Another QDA tool 3.1">
  <Codes>
    <Code guid="{6E2B8A4C-1F3D-4E5A-9B7C-0D1E2F3A4B5C}" name="Trust" isCodable="false" color="#0A0">
      <Description>How far people trust the service.</Description>
      <Code guid="11111111-2222-3333-4444-555555555555" name="Distrust" isCodable="true">
        <Code guid="11111111-2222-3333-4444-666666666666" name="Of the system" isCodable="true" color="#123ABC"/>
      </Code>
      <Code guid="11111111-2222-3333-4444-777777777777" name="Confidence" isCodable="true">
        <Description>Positive trust.
Inclusion: said outright
Example: "I trust them"</Description>
      </Code>
    </Code>
    <Code guid="22222222-2222-3333-4444-555555555555" name="Waiting" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="33333333-2222-3333-4444-555555555555" name="A set">
      <MemberCode guid="22222222-2222-3333-4444-555555555555"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_import_from_another_tool(db):
    codebook.load(db, OTHER_TOOL.encode("utf-8"), who="tester", name="other.qdc")
    rows = {c["path"]: c for c in codebook.codes(db)}
    assert list(rows) == ["Trust", "Trust/Distrust", "Trust/Distrust/Of the system", "Trust/Confidence", "Waiting"]
    assert rows["Trust"]["color"] == "#00AA00"  # #RGB widened to #RRGGBB
    assert rows["Trust/Distrust/Of the system"]["color"] == "#123ABC"
    assert all(codebook.COLOR.match(c["color"]) for c in rows.values())  # missing colours come from the palette
    assert rows["Trust"]["description"] == "How far people trust the service."
    conf = rows["Trust/Confidence"]
    assert (conf["description"], conf["inclusion"], conf["example"]) == ("Positive trust.", "said outright", '"I trust them"')
    assert rows["Waiting"]["description"] == ""
    # the export of what was imported is valid again
    assert refi.schema().is_valid(refi.codebook_qdc(db))


def test_load_recognises_qdc_by_content(db, tmp_path):
    path = tmp_path / "from-tool.xml"
    path.write_text(OTHER_TOOL, encoding="utf-8")
    codebook.load(db, path, who="tester")
    assert len(codebook.codes(db)) == 5
    assert refi.is_qdc(OTHER_TOOL.encode(), "codebook") and not refi.is_qdc(b"codes:\n- name: x\n", "codebook")


def test_read_qdc_returns_specs_for_load():
    title, specs = refi.read_qdc(OTHER_TOOL.encode("utf-8"), name="other.qdc")
    assert title is None
    assert [s.path for s in specs][:2] == ["Trust", "Waiting"]  # parents first, as parse_specs orders them
    assert all(isinstance(s, codebook.CodeSpec) and s.line for s in specs)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="11111111-2222-3333-4444-555555555555" name="Laughs" isCodable="true"><Description>&lol9;</Description></Code>
</Codes></CodeBook>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="11111111-2222-3333-4444-555555555555" name="Secrets" isCodable="true"><Description>&xxe;</Description></Code>
</Codes></CodeBook>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE CodeBook SYSTEM "http://example.invalid/evil.dtd">
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="11111111-2222-3333-4444-555555555555" name="X" isCodable="true"/>
</Codes></CodeBook>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "external-dtd"])
def test_hostile_files_are_refused_and_nothing_is_written(db, tmp_path, text):
    path = tmp_path / "hostile.qdc"
    path.write_text(text, encoding="utf-8")
    before = store.rows(db, "SELECT count(*) AS n FROM events")[0]["n"]
    with pytest.raises(QualbenchError, match=r"hostile\.qdc: .*(DOCTYPE|entit)"):
        codebook.load(db, path, who="tester")
    assert codebook.codes(db) == []
    assert store.rows(db, "SELECT count(*) AS n FROM events")[0]["n"] == before
    # also when the bytes are handed over directly, and also in UTF-16 (the byte scan cannot see it)
    with pytest.raises(QualbenchError):
        refi.read_qdc(text.encode("utf-8"), name="hostile.qdc")
    with pytest.raises(QualbenchError, match="DOCTYPE|entit"):
        refi.read_qdc(text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16"), name="h.qdc")
    assert codebook.codes(db) == []


def test_malformed_xml(db):
    with pytest.raises(CodebookProblem, match=r"broken\.qdc: not well-formed XML at line \d"):
        codebook.load(db, b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x"></Codes>', who="t", name="broken.qdc")
    with pytest.raises(CodebookProblem, match="empty"):
        codebook.load(db, b"", who="t", name="empty.qdc")
    assert codebook.codes(db) == []


def test_schema_invalid_files(db):
    no_name = OTHER_TOOL.replace(' name="Waiting"', "")
    with pytest.raises(CodebookProblem) as info:
        codebook.load(db, no_name.encode(), who="t", name="invalid.qdc")
    message = str(info.value)
    assert message.startswith("invalid.qdc: not a valid REFI-QDA codebook") and "name" in message and "line 15: missing required attribute 'name'" in message
    bad = {
        "bad colour": OTHER_TOOL.replace('color="#123ABC"', 'color="red"'),
        "bad guid": OTHER_TOOL.replace("22222222-2222-3333-4444-555555555555\" name", "not-a-guid\" name"),
        "wrong namespace": OTHER_TOOL.replace("urn:QDA-XML:codebook:1.0", "urn:something-else"),
        "empty codes": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
        "no codes": "<CodeBook/>",
    }
    for what, text in bad.items():
        with pytest.raises(CodebookProblem, match="not a valid REFI-QDA codebook"):
            codebook.load(db, text.encode(), who="t", name=f"{what}.qdc")
    assert codebook.codes(db) == []


def test_code_problems_are_those_of_yaml_codebooks(db):
    dup = OTHER_TOOL.replace('name="Waiting"', 'name="Trust"').replace('name="Of the system"', 'name="A/B"')
    with pytest.raises(CodebookProblem) as info:
        codebook.load(db, dup.encode(), who="t", name="dup.qdc")
    assert any("duplicate code “Trust”" in p for p in info.value.problems)
    assert any("contains “/”" in p and "line " in p for p in info.value.problems)
    assert codebook.codes(db) == []


def test_empty_codebook_cannot_be_written(db, tmp_path):
    with pytest.raises(QualbenchError, match="no codes"):
        codebook.dump(db, tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


def test_export_drops_characters_xml_cannot_hold(db):
    codebook.add_code(db, "Odd", who="t", description="bell\x07 here", color="#ABCDEF")
    data = refi.codebook_qdc(db)
    assert refi.schema().is_valid(data)
    assert b"bell here" in data and b'color="#ABCDEF"' in data


@pytest.mark.skipif(not (SHARED / "examples" / "atlasti-8.4-mac_standard-project.qdpx").exists(), reason="no shared example")
def test_codes_of_an_atlas_ti_project_read_as_a_codebook(db):
    """The project file's <Codes> use the project namespace; rewrapped as a CodeBook they load."""
    with zipfile.ZipFile(SHARED / "examples" / "atlasti-8.4-mac_standard-project.qdpx") as archive:
        project = etree.fromstring(archive.read("Project.qde"))
    pns = "urn:QDA-XML:project:1.0"
    book = etree.Element(f"{{{refi.NS}}}CodeBook", nsmap={None: refi.NS})
    codes_el = etree.SubElement(book, f"{{{refi.NS}}}Codes")

    def copy(src, parent):
        el = etree.SubElement(parent, f"{{{refi.NS}}}Code", {k: src.get(k) for k in ("guid", "name", "isCodable", "color") if src.get(k)})
        desc = src.find(f"{{{pns}}}Description")
        if desc is not None:
            etree.SubElement(el, f"{{{refi.NS}}}Description").text = desc.text
        for child in src.findall(f"{{{pns}}}Code"):
            copy(child, el)

    for code in project.find(f"{{{pns}}}CodeBook/{{{pns}}}Codes").findall(f"{{{pns}}}Code"):
        copy(code, codes_el)
    codebook.load(db, etree.tostring(book, xml_declaration=True, encoding="UTF-8"), who="t", name="atlas.qdc")
    assert len(codebook.codes(db)) == 14
    assert any(c["name"] == "Coke::diet Coke" for c in codebook.codes(db))
