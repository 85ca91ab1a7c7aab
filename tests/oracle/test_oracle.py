"""The outside check of issue 12: random projects built through the CLI, every co-occurrence,
frequency, agreement and retrieval figure compared with tests/oracle/reference.py, which is
written from DESIGN.md and the README alone (never from qualbench's own analysis code).

A failure lists, per definition, how many figures differ and the smallest reproducing case
(seed, command, documents, codings, expected vs got). ``python3 -m tests.oracle`` runs the
same checks outside pytest and can shrink each case (see tests/oracle/README.md).
"""

from __future__ import annotations

import pytest

from . import suite
from .project import run_subprocess

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("oracle")]

SUBPROCESS_COMMANDS = {
    "cooccurrence": ["cooccurrence", "--scope", "turn", "--measure", "c"],
    "frequencies": ["frequencies", "--by", "document"],
    "agreement": ["agreement", "--level", "character"],  # --coders added below
    "excerpts": ["excerpts", "--code"],  # the first code used, added below
}


@pytest.fixture(scope="module")
def projects():
    root = suite.scratch_root()
    try:
        yield suite.build_all(root)
    finally:
        suite.cleanup(root)


def test_projects_are_read_back_as_they_were_made(projects):
    problems = [f"seed {p.seed}: {problem}" for p in projects for problem in p.problems]
    assert not problems, "\n".join(problems)


def test_the_projects_hold_the_cases_the_definitions_turn_on(projects):
    seen = suite.coverage(projects)
    wanted = ["touching ranges", "identical range, two coders, same code", "nested, one coder",
              "segment overlap exactly 90 %", "segment overlap just under 90 %", "coding outside every turn (a label)",
              "c denominator <= 0 (overlap)", "c > 1 (overlap)", "document coded by some coders only",
              "two documents with one title", "text beyond the BMP (emoji)", "transcript turns after a label"]
    assert [w for w in wanted if not seen.get(w)] == [], seen


def _same_through_a_real_process(project, family: str) -> None:
    """One real ``python3 -m qualbench`` run writes the same file as the in-process call."""
    argv = list(SUBPROCESS_COMMANDS[family])
    if family == "agreement":
        argv += ["--coders", *project.spec.coders[:2]]
    if family == "excerpts":
        argv.append(sorted({k.code for k in project.codings})[0])
    outputs = []
    for how, runner in (("inprocess", None), ("subprocess", run_subprocess)):
        out = project.folder / f"same_{family}_{how}.csv"
        full = ["--db", str(project.db), *argv, "--out", str(out)]
        if runner is None:
            from .project import run

            rc, _, err = run(full)
        else:
            rc, _, err = runner(full)
        assert rc == 0, f"{how}: python -m qualbench {' '.join(argv)} -> exit {rc}: {err}"
        assert "Traceback" not in err
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("family", list(suite.FAMILIES))
def test_every_figure_meets_its_definition(projects, family):
    _same_through_a_real_process(projects[0], family)
    found = [m for p in projects for m in suite.FAMILIES[family](p, p.folder)]
    summary = suite.report(found)
    print(summary)
    assert not found, f"{len(found)} figure(s) differ from the definitions:\n{summary}"
