"""Random small projects for the oracle, built only through the command line.

A ``ProjectSpec`` is everything needed to rebuild a project: the documents (text, file
name, folder, site), the codebook YAML and the codings (document index, code path,
start, end, coder). ``generate(seed)`` makes one from a seeded ``random.Random``;
``build(spec, folder)`` writes the files and runs the CLI (``qualbench.cli.main``
in-process, the same code path as ``python -m qualbench``); ``read_back`` reads the
finished project back, offsets through ``codings --format csv`` and ``documents --format
csv``, text and turns from the SQLite file (DESIGN.md "Data model" names them).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import sqlite3
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from qualbench.cli import main

ROOT = Path(__file__).resolve().parents[2]

# --- the specification of a project -----------------------------------------------------


@dataclass
class DocSpec:
    folder: str
    filename: str
    text: str  # already normalised (NFC, \n, no trailing spaces), so stored text == this
    site: str
    transcript: bool


@dataclass
class CodingSpec:
    doc: int  # index into ProjectSpec.docs
    code: str  # path Parent/Child
    start: int
    end: int
    coder: str


@dataclass
class ProjectSpec:
    seed: int
    docs: list[DocSpec]
    codes: list[tuple[str, str | None]]  # (name, parent name) in codebook order
    coders: list[str]
    codings: list[CodingSpec]

    @property
    def paths(self) -> list[str]:
        return [f"{parent}/{name}" if parent else name for name, parent in self.codes]

    def codebook_yaml(self) -> str:
        lines = ["codebook: Oracle project", "codes:"]
        colours = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#f1c40f"]
        tops = [n for n, p in self.codes if p is None]
        for i, top in enumerate(tops):
            lines += [f'  - name: "{top}"', f'    color: "{colours[i % len(colours)]}"']
            kids = [n for n, p in self.codes if p == top]
            if kids:
                lines.append("    children:")
                for j, kid in enumerate(kids):
                    lines += [f'      - name: "{kid}"', f'        color: "{colours[(i + j + 3) % len(colours)]}"']
        return "\n".join(lines) + "\n"


# --- generation -------------------------------------------------------------------------

WORDS = ("borger sagsbehandler ansøgning møde hjælp tid regler øjeblik på går også nødt værd Århus "
         "skæve blanket kø ældre pårørende citizen caseworker form rules time trust digital the and "
         "we don't self-service MitID queue 😀 help desk you it's læsø").split()
SPEAKERS = ["Interviewer", "Lone", "Amir Haddad", "I", "R", "Søren", "Åse"]
CODERS = ["Signe Holm", "Tobias Berg", "Åse Nørgaard"]
SITES = ["Havnstrup", "Lundvig", "Østerå"]
TOP_CODES = ["Krydspres", "Grænser", "Generalist knowledge", "Tillid"]
CHILD_CODES = ["Tid", "Borgerens forventninger", "Rolle", "Regler", "Andet", "Efficiency targets"]


def _sentence(rnd: random.Random) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(3, 11))]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + rnd.choice([".", ".", "?", "!", " …"])


def _paragraph(rnd: random.Random) -> str:
    sentences = [_sentence(rnd) for _ in range(rnd.randint(1, 3))]
    return (" " if rnd.random() < 0.8 else "\n").join(sentences)


def _transcript(rnd: random.Random) -> str:
    speakers = rnd.sample(SPEAKERS, 2)
    paragraphs, turn = [], 0
    while turn < rnd.randint(4, 7):
        who = speakers[turn % 2]
        sep = ":\n" if rnd.random() < 0.1 else ": "
        paragraphs.append(who + sep + _paragraph(rnd))
        turn += 1
        if rnd.random() < 0.25:  # an answer over two paragraphs: the second has no label
            paragraphs.append(_paragraph(rnd))
    return "\n\n".join(paragraphs)


def _notes(rnd: random.Random) -> str:
    return "\n\n".join(_paragraph(rnd) for _ in range(rnd.randint(2, 5)))


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for block in text.split("\n\n"):
        spans.append((pos, pos + len(block)))
        pos += len(block) + 2
    return spans


def generate(seed: int) -> ProjectSpec:
    rnd = random.Random(seed)
    small = seed % 5 == 0  # every fifth project is tiny, so a failure has a small witness
    n_docs = 2 if small else rnd.randint(2, 6)
    docs = []
    for i in range(n_docs):
        transcript = rnd.random() < 0.55
        text = _normalised(_transcript(rnd) if transcript else _notes(rnd))
        if i == 0:
            text += " Det var en god dag 😀 på kontoret i Østerå."  # an emoji and æøå in every project
        name = "interview" if i < 2 else rnd.choice(["note", "Møde på kontoret", "obs"]) + f"_{i}"
        docs.append(DocSpec(folder=f"d{i}", filename=name + ".txt", text=text, site=rnd.choice(SITES), transcript=transcript))
    # codebook: 2-3 top-level codes, some with children (a child name may repeat under two parents)
    tops = rnd.sample(TOP_CODES, rnd.randint(2, 3))
    codes: list[tuple[str, str | None]] = []
    for j, top in enumerate(tops):
        codes.append((top, None))
        n_kids = rnd.randint(1 if j == 0 else 0, 3)
        for kid in rnd.sample(CHILD_CODES, n_kids):
            codes.append((kid, top))
    paths = [f"{p}/{n}" if p else n for n, p in codes]
    coders = CODERS[: 2 if small else rnd.randint(2, 3)]

    codings: list[CodingSpec] = []
    taken: set[tuple] = set()

    def add(doc: int, code: str, start: int, end: int, coder: str) -> None:
        text = docs[doc].text
        start, end = max(0, start), min(len(text), end)
        if start < end and text[start:end].strip() and (doc, code, start, end, coder) not in taken:
            taken.add((doc, code, start, end, coder))
            codings.append(CodingSpec(doc, code, start, end, coder))

    # Which coder codes which document: the first two coders share document 0; others vary.
    coded_by = {c: {0} | {d for d in range(n_docs) if rnd.random() < 0.65} for c in coders[:2]}
    for c in coders[2:]:
        coded_by[c] = {d for d in range(n_docs) if rnd.random() < 0.6} or {rnd.randrange(n_docs)}
    per_pair = (1, 3) if small else (1, 5)
    for coder in coders:
        for d in sorted(coded_by[coder]):
            text = docs[d].text
            spans = _paragraph_spans(text)
            for _ in range(rnd.randint(*per_pair)):
                code = rnd.choice(paths)
                how = rnd.random()
                if how < 0.35:  # a random stretch
                    s = rnd.randrange(len(text))
                    add(d, code, s, s + rnd.randint(1, 70), coder)
                elif how < 0.55:  # a whole paragraph, or its label only ("Lone:"), or from the label on
                    a, b = rnd.choice(spans)
                    colon = text.find(":", a, b)
                    if docs[d].transcript and 0 < colon - a < 15 and rnd.random() < 0.5:
                        add(d, code, a, colon + 1 if rnd.random() < 0.5 else b, coder)
                    else:
                        add(d, code, a, b, coder)
                elif codings and how < 0.8:  # relative to an existing coding in this document
                    mates = [k for k in codings if k.doc == d] or codings[-1:]
                    k = rnd.choice(mates)
                    if k.doc != d:
                        continue
                    kind = rnd.choice(["nested", "touch_after", "touch_before", "identical", "ninety", "cross"])
                    if kind == "nested" and k.end - k.start > 2:
                        s = rnd.randint(k.start, k.end - 2)
                        add(d, code, s, rnd.randint(s + 1, k.end), coder)
                    elif kind == "touch_after":
                        add(d, code, k.end, k.end + rnd.randint(1, 30), coder)
                    elif kind == "touch_before":
                        add(d, code, k.start - rnd.randint(1, 30), k.start, coder)
                    elif kind == "identical":  # the same range, often the same code (agreement)
                        add(d, k.code if rnd.random() < 0.6 else code, k.start, k.end, coder)
                    elif kind == "ninety":  # the first two coders: overlap exactly 90 % of the joint span, or just under
                        span = 10 * rnd.randint(1, 6)
                        cut = span // 10 + (1 if rnd.random() < 0.4 else 0)
                        both = d if d in coded_by[coders[0]] and d in coded_by[coders[1]] else 0
                        length = len(docs[both].text)
                        s = k.start if both == d else rnd.randrange(max(1, length - span))
                        if s + span <= length:
                            first, second = rnd.sample(coders[:2], 2)
                            add(both, k.code, s, s + span, first)
                            if rnd.random() < 0.5:  # the shorter one at either end
                                add(both, k.code, s + cut, s + span, second)
                            else:
                                add(both, k.code, s, s + span - cut, second)
                    else:  # partial overlap
                        s = rnd.randint(k.start, k.end - 1)
                        add(d, code, s, s + rnd.randint(1, 40), coder)
                else:  # the whole document
                    add(d, code, 0, len(text), coder)
    # A "grid" in some projects: two long codings of A over two short codings of B by one coder,
    # so n_AB = 4 = n_A + n_B and the c-coefficient's denominator is 0.
    if rnd.random() < 0.5 and len(paths) >= 3:
        a, b = rnd.sample(paths, 2)
        coder, d = coders[0], 0
        L = len(docs[d].text)
        if L > 40:
            codings[:] = [k for k in codings if k.code not in (a, b)]  # A and B only in the grid
            taken.clear()
            taken.update((k.doc, k.code, k.start, k.end, k.coder) for k in codings)
            s = rnd.randrange(0, L - 40)
            for off in (0, 1):
                add(d, a, s + off, s + 40 - off, coder)
            for off in (5, 20):
                add(d, b, s + off, s + off + 10, coder)
            if rnd.random() < 0.5:  # a third short one: n_AB = 6 > n_A + n_B = 5
                add(d, b, s + 12, s + 18, coder)
    rnd.shuffle(codings)
    return ProjectSpec(seed=seed, docs=docs, codes=codes, coders=coders, codings=codings)


# --- building through the CLI -----------------------------------------------------------


class CliFailed(AssertionError):
    pass


def run(argv: list[str]) -> tuple[int, str, str]:
    """``python -m qualbench ARGV`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def run_ok(argv: list[str]) -> str:
    rc, out, err = run(argv)
    if rc != 0:
        raise CliFailed(f"python -m qualbench {' '.join(map(str, argv))} -> exit {rc}: {err.strip()}")
    return out


def run_subprocess(argv: list[str]) -> tuple[int, str, str]:
    """The same, as a real ``python3 -m qualbench`` process."""
    done = subprocess.run([sys.executable, "-m", "qualbench", *map(str, argv)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    return done.returncode, done.stdout, done.stderr


@dataclass
class Doc:
    id: int
    title: str
    text: str
    turns: list[tuple[int, int]]
    attrs: dict[str, str]


@dataclass
class Coding:
    id: int
    doc: int  # document id
    code: str  # path
    start: int
    end: int
    coder: str


@dataclass
class Project:
    spec: ProjectSpec
    db: Path
    folder: Path
    docs: dict[int, Doc]
    codings: list[Coding]
    paths: list[str]
    commands: list[list[str]] = field(default_factory=list)  # every CLI call that built it
    problems: list[str] = field(default_factory=list)  # what the read-back found wrong

    @property
    def seed(self) -> int:
        return self.spec.seed


def _csv_rows(text: str) -> list[dict[str, str]]:
    """CSV rows as the README says to read them: a text cell starting with ' has one ' more than the text."""
    return [{k: v[1:] if v.startswith("'") else v for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def build(spec: ProjectSpec, folder: Path) -> Project:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "project.db"
    commands: list[list[str]] = []

    def cli(*argv) -> str:
        argv = ["--db", str(db), *map(str, argv)]
        commands.append(argv)
        return run_ok(argv)

    cli("init")
    (folder / "codebook.yaml").write_text(spec.codebook_yaml(), encoding="utf-8")
    cli("codebook", "load", folder / "codebook.yaml")
    for site in sorted({d.site for d in spec.docs}):  # one import per site: several files, one --attr
        files = []
        for d in spec.docs:
            if d.site == site:
                path = folder / d.folder / d.filename
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(d.text, encoding="utf-8")
                files.append(path)
        cli("import", *files, "--attr", f"site={site}")
    # documents' ids: matched by their text, read from the file after the CLI is done
    with contextlib.closing(sqlite3.connect(db)) as con:
        by_text = {text: i for i, text in con.execute("SELECT id, text FROM documents")}
    ids = [by_text.get(d.text) for d in spec.docs]
    problems = [f"document {i} ({d.filename}) was not stored with its text unchanged" for i, (d, x) in
                enumerate(zip(spec.docs, ids)) if x is None]
    if problems:
        raise CliFailed("; ".join(problems))
    for k in spec.codings:
        cli("code", ids[k.doc], k.code, k.start, k.end, "--coder", k.coder)
    project = read_back(spec, db, folder, ids)
    project.commands = commands
    return project


def read_back(spec: ProjectSpec, db: Path, folder: Path, ids: list[int]) -> Project:
    """The project as the CLI reports it; anything that differs from the spec is a problem."""
    problems = []
    listing = _csv_rows(run_ok(["--db", db, "documents", "--format", "csv"]))
    titles = {int(r["id"]): r["title"] for r in listing}
    with contextlib.closing(sqlite3.connect(db)) as con:
        texts = dict(con.execute("SELECT id, text FROM documents"))
        turns: dict[int, list] = {i: [] for i in texts}
        for doc, start, end in con.execute('SELECT document_id, start, "end" FROM turns ORDER BY document_id, "index"'):
            turns[doc].append((start, end))
        attrs: dict[int, dict] = {i: {} for i in texts}
        for doc, name, value in con.execute("SELECT document_id, name, value FROM document_attributes"):
            attrs[doc][name] = value
    docs = {i: Doc(i, titles[i], texts[i], turns[i], attrs[i]) for i in texts}
    for i, d in zip(ids, spec.docs):
        if Path(d.filename).stem != docs[i].title:
            problems.append(f"document {i}: title {docs[i].title!r}, expected {Path(d.filename).stem!r}")
        if docs[i].attrs.get("site") != d.site:
            problems.append(f"document {i}: site {docs[i].attrs.get('site')!r}, expected {d.site!r}")
    codings = []
    for i in sorted(docs):
        for r in _csv_rows(run_ok(["--db", db, "codings", "--document", i, "--format", "csv"])):
            k = Coding(int(r["id"]), i, r["code"], int(r["start"]), int(r["end"]), r["coder"])
            codings.append(k)
            if r["excerpt"] != docs[i].text[k.start:k.end]:
                problems.append(f"coding {k.id}: codings --format csv shows excerpt {r['excerpt']!r}, "
                                f"text[{k.start}:{k.end}] is {docs[i].text[k.start:k.end]!r}")
    wanted = sorted((ids[k.doc], k.code, k.start, k.end, k.coder) for k in spec.codings)
    got = sorted((k.doc, k.code, k.start, k.end, k.coder) for k in codings)
    if wanted != got:
        problems.append(f"codings read back differ from the codings made: missing {sorted(set(wanted) - set(got))[:5]}, "
                        f"extra {sorted(set(got) - set(wanted))[:5]}")
    listed = {int(r["id"]): int(r["codings"]) for r in listing}
    for i in docs:
        n = sum(1 for k in codings if k.doc == i)
        if listed[i] != n:
            problems.append(f"documents --format csv: document {i} shows {listed[i]} codings, it has {n}")
    return Project(spec=spec, db=db, folder=folder, docs=docs, codings=codings, paths=spec.paths, problems=problems)
