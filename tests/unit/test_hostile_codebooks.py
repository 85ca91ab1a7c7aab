"""Hostile codebooks (issue 19): YAML and .qdc files that expand, nest, spoof or flood the error message.

Each test reproduced a failure of the loader before it had these bounds: an alias bomb
accepted (or reported in a message of hundreds of megabytes), a RecursionError, a list
taken as a code's name, a right-to-left override in a name, a dump that recursed past
Python's limit.
"""


import pytest

from qualbench import codebook, names, store
from qualbench.errors import CodebookProblem, QualbenchError
from qualbench.export import refi

from ..guards import no_hang

RLO = "\u202e"


def load(db, text: str | bytes, name: str = "codebook.yaml", **options):
    return codebook.load(db, text.encode() if isinstance(text, str) else text, who="t", name=name, **options)


def flat(n: int) -> str:
    return "codes:\n" + "".join(f"  - name: Code {i}\n" for i in range(n))


def nested(levels: int) -> str:
    lines = ["codes:"]
    for level in range(levels):
        pad = "  " * (2 * level)
        lines += [f"{pad}  - name: Level {level}"] + ([f"{pad}    children:"] if level < levels - 1 else [])
    return "\n".join(lines) + "\n"


def nested_qdc(levels: int) -> bytes:
    opening = "".join(f'<Code guid="00000000-0000-4000-8000-{level:012d}" name="Level {level}" isCodable="true">' for level in range(levels))
    return (f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{opening}'
            + "</Code>" * levels + "</Codes></CodeBook>").encode()


def bounded(action, *args, **kwargs):
    """Run ``action``, stopping it if it hangs (tests/guards.py; not a timing assertion)."""
    with no_hang():
        return action(*args, **kwargs)


# --- aliases, anchors, size -----------------------------------------------------------------------


def alias_bomb(levels: int) -> str:
    """Each level a list of nine aliases of the level below: 9**levels codes from a few hundred bytes."""
    lines = ["x0: &x0 {name: Leaf}"]
    for level in range(1, levels + 1):
        lines.append(f"x{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\ncodes: *x{levels}\n"


def test_yaml_aliases_are_refused_before_they_expand(db):
    with pytest.raises(CodebookProblem) as caught:
        bounded(load, db, alias_bomb(4))  # 6,561 codes if expanded
    message = str(caught.value)
    assert "anchors and aliases" in message and "line 1" in message and len(message) < 1000
    assert codebook.codes(db) == []


@pytest.mark.parametrize("text", [
    "codes:\n  - &first {name: A}\n  - name: B\n",
    "codes:\n  - name: &n A\n  - name: *n\n",
    "base: &b {color: '#111111'}\ncodes:\n  - {name: A, <<: *b}\n",
    "codes: &loop [*loop]\n",  # a list that holds itself: a RecursionError before
    "codes:\n  - &c {name: A, children: [*c]}\n",
])
def test_any_anchor_or_alias_is_refused(db, text):
    with pytest.raises(CodebookProblem, match="anchors and aliases"):
        load(db, text)


def test_more_than_5000_codes_are_refused_before_they_are_read(db):
    assert codebook.MAX_CODES == 5000
    assert len(load(db, flat(5000), dry_run=True)) == 5000
    with pytest.raises(CodebookProblem, match=r"codebook.yaml: .*more than 5,000 codes"):
        bounded(load, db, flat(5001))


def test_a_list_of_two_hundred_thousand_scalars_is_refused_with_a_short_message(db):
    with pytest.raises(CodebookProblem) as caught:
        bounded(load, db, "codes: [" + ", ".join(["1"] * 200_000) + "]\n")
    assert len(str(caught.value)) < 1000


def test_a_codebook_file_larger_than_the_limit_is_refused_unread(db, tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(codebook.MAX_FILE_BYTES + 1)
    with pytest.raises(CodebookProblem, match=r"huge.yaml: the file is larger than 20 MB"):
        codebook.load(db, path, who="t")
    with pytest.raises(CodebookProblem, match=r"codebook.yaml: the file is larger than 20 MB"):
        load(db, b"#" * (codebook.MAX_FILE_BYTES + 1))


# --- depth ----------------------------------------------------------------------------------------


def test_fifty_levels_load_and_fifty_one_are_refused(db):
    assert codebook.MAX_DEPTH == 50
    assert len(load(db, nested(50), dry_run=True)) == 50
    with pytest.raises(CodebookProblem, match=r"more than 50 levels"):
        load(db, nested(51))


def test_codes_placed_by_parent_count_their_levels_too(db):
    chain = "codes:\n  - name: L0\n" + "".join(f"  - name: L{i}\n    parent: L{i - 1}\n" for i in range(1, 60))
    with pytest.raises(CodebookProblem, match=r"more than 50 levels"):
        bounded(load, db, chain)
    long_chain = "codes:\n  - name: L0\n" + "".join(f"  - name: L{i}\n    parent: L{i - 1}\n" for i in range(1, 3000))
    with pytest.raises(CodebookProblem, match=r"more than 50 levels"):  # no RecursionError, and no hang
        bounded(load, db, long_chain)


@pytest.mark.parametrize("text", ["codes: " + "[" * 5000 + "]" * 5000, "codes:\n" + "".join("  " * i + "- \n" for i in range(3000)),
                                  "codes: " + "{a: " * 2000 + "1" + "}" * 2000])
def test_deeply_nested_yaml_is_a_clear_problem_not_a_traceback(db, text):
    with pytest.raises(CodebookProblem, match=r"more than 50 levels"):
        bounded(load, db, text)


def test_the_depth_limit_holds_for_qdc_files(db):
    assert len(load(db, nested_qdc(50), name="deep.qdc", dry_run=True)) == 50
    for levels in (51, 250):
        with pytest.raises(CodebookProblem, match=r"deep.qdc, line \d+: .*more than 50 levels"):
            load(db, nested_qdc(levels), name="deep.qdc")
    assert codebook.codes(db) == []


def chain_of_codes(db, levels: int) -> None:
    parent = None
    for level in range(levels):
        parent = db["codes"].insert({"name": f"Level {level}", "parent_id": parent, "color": "#888888", "position": 0}).last_pk


def test_a_tree_deeper_than_a_codebook_file_holds_is_not_dumped_as_yaml_and_nothing_recurses(db, tmp_path):
    chain_of_codes(db, 1200)  # deeper than Python's recursion limit (as an old import or direct edits could leave it)
    assert codebook.codes(db)[-1]["depth"] == 1199
    with pytest.raises(QualbenchError, match=r"1,200 levels deep.*at most 50"):
        codebook.dump_yaml(db)
    assert codebook.dump(db, tmp_path / "deep.qdc").stat().st_size > 0


def test_a_tree_of_fifty_levels_dumps_and_loads_back(db, tmp_path):
    load(db, nested(50))
    out = codebook.dump(db, tmp_path / "again.yaml")
    assert load(db, out.read_bytes(), name="again.yaml", dry_run=True) == []


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, kind", [("[a, b]", "a list"), ("{a: 1}", "a mapping"), ("", "empty"), ("null", "empty")])
def test_a_name_that_is_not_text_is_refused(db, value, kind):
    with pytest.raises(CodebookProblem) as caught:
        load(db, f"codes:\n  - name: {value}\n")
    assert "line 2" in str(caught.value)
    assert (kind in str(caught.value)) if kind != "empty" else "empty name" in str(caught.value)


def test_a_name_is_read_as_written(db):
    changes = load(db, "codes:\n  - name: Yes\n  - name: 007\n  - name: 12.50\n  - name: 2024-03-01\n    shortcut: y\n", dry_run=True)
    assert [c.path for c in changes] == ["Yes", "007", "12.50", "2024-03-01"]


def test_code_names_are_at_most_200_characters(db):
    assert load(db, f"codes:\n  - name: {'a' * 200}\n", dry_run=True)
    with pytest.raises(CodebookProblem, match=r"line 2: .*at most 200 characters"):
        load(db, f"codes:\n  - name: {'a' * 201}\n")


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                                     "\u200e", "\u200f", "\u061c"])
def test_bidi_controls_in_a_code_name_are_refused_everywhere(db, control):
    spoof = f"Trust{control}tsurtsiD"
    with pytest.raises(CodebookProblem) as caught:
        load(db, f"codes:\n  - name: \"{spoof}\"\n")
    message = str(caught.value)
    assert f"U+{ord(control):04X}" in message and control not in message and "line 2" in message
    with pytest.raises(CodebookProblem, match=f"U\\+{ord(control):04X}"):
        codebook.add_code(db, spoof, who="t")
    code = codebook.add_code(db, "Trust", who="t")
    with pytest.raises(CodebookProblem, match=f"U\\+{ord(control):04X}"):
        codebook.update_code(db, code, name=spoof, who="t")
    qdc = f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="00000000-0000-4000-8000-000000000001" name="{spoof}" isCodable="true"/></Codes></CodeBook>'
    with pytest.raises(CodebookProblem, match=f"U\\+{ord(control):04X}"):
        load(db, qdc, name="spoof.qdc")
    assert [c["name"] for c in codebook.codes(db)] == ["Trust"]


def test_the_name_check_is_one_core_function():
    assert names.name_problem("Trust", what="A code name") is None
    assert "U+202E" in names.name_problem(f"a{RLO}b", what="A coder's name")
    assert names.name_problem("a\x00b", what="A title").startswith("A title")
    assert "at most 10 characters" in names.name_problem("a" * 11, what="A name", limit=10)
    assert names.visible(f"a{RLO}b") == "a<U+202E>b"
    with pytest.raises(QualbenchError, match="U\\+2066"):
        names.clean_name("x\u2066y", what="A document title")
    assert names.clean_name("  Tillid \n og  mistillid ", what="A code name") == "Tillid og mistillid"


# --- messages -------------------------------------------------------------------------------------


def test_a_thousand_problems_list_the_first_twenty_and_say_how_many_more(db):
    text = "codes:\n" + "".join(f"  - name: C{i}\n    color: red\n" for i in range(1000))
    with pytest.raises(CodebookProblem) as caught:
        load(db, text)
    message = str(caught.value)
    assert message.startswith("codebook.yaml: 1000 problems:") and "and 980 more" in message
    assert len(caught.value.problems) == 21 and caught.value.problems[-1] == "… and 980 more problems"
    assert len(message) < 6000


def test_huge_values_are_shortened_in_messages(db):
    with pytest.raises(CodebookProblem) as caught:
        load(db, "codes:\n  - name: A\n    color: '" + "x" * 1_000_000 + "'\n    " + "k" * 1000 + ": 1\n")
    assert len(str(caught.value)) < 2000 and "bad colour" in str(caught.value) and "unknown key" in str(caught.value)
    with pytest.raises(CodebookProblem) as caught:
        load(db, "codes:\n  - " + "[" * 40 + ", ".join(["x" * 1000] * 200) + "]" * 40 + "\n")
    assert len(str(caught.value)) < 2000


def test_a_title_must_be_text(db):
    with pytest.raises(CodebookProblem, match="title"):
        load(db, "codebook: [a, b]\ncodes:\n  - name: A\n")


def test_the_problem_list_is_capped_for_every_codebook_problem():
    problem = CodebookProblem("x" * 100_000, ["p" * 50_000] * 500)
    assert len(str(problem)) <= 8000 and len(problem.problems) == 21 and all(len(p) <= 300 for p in problem.problems)


def test_nothing_is_written_by_a_refused_codebook(db):
    before = store.rows(db, "SELECT count(*) AS n FROM events")[0]["n"]
    for text in (alias_bomb(3), flat(5001), nested(51)):
        with pytest.raises(CodebookProblem):
            load(db, text)
    assert codebook.codes(db) == [] and store.rows(db, "SELECT count(*) AS n FROM events")[0]["n"] == before
    assert refi.MAX_BYTES == codebook.MAX_FILE_BYTES
