"""Which commands the oracle runs on each project, and the report of what it found.

``FAMILIES`` maps a command family to a function (project, folder) -> [Mismatch]; the
variants (scopes, measures, --coder, --rollup, --where, coder pairs, AND/NOT) are drawn from
the project's seed so a seed always runs the same commands.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from . import checks
from . import reference as ref
from .project import Project, build, generate

SEEDS = range(24)


def cooccurrence(project: Project, folder: Path):
    found = []
    if not project.codings:
        return found
    rnd = random.Random(f"cooccurrence {project.seed}")
    coders = sorted({k.coder for k in project.codings})
    for scope in ("overlap", "turn", "document"):
        for measure in ("count", "c"):
            out = folder / f"co_{scope}_{measure}.csv"
            found += checks.check_cooccurrence(project, out, scope=scope, measure=measure)
        one = [rnd.choice(coders)]
        found += checks.check_cooccurrence(project, folder / "co_coder.csv", scope=scope, measure="c", coders=one)
        found += checks.check_cooccurrence(project, folder / "co_rollup.csv", scope=scope, measure=rnd.choice(["count", "c"]),
                                           rollup=True)
    site = rnd.choice(sorted({d.attrs["site"] for d in project.docs.values()}))
    found += checks.check_cooccurrence(project, folder / "co_where.csv", scope="overlap", measure="count",
                                       coders=coders[:2], where={"site": site})
    return found


def frequencies(project: Project, folder: Path):
    found = []
    if not project.codings:
        return found
    rnd = random.Random(f"frequencies {project.seed}")
    coders = sorted({k.coder for k in project.codings})
    for by in ("code", "document", "site"):
        found += checks.check_frequencies(project, folder / f"fr_{by}.csv", by=by)
    found += checks.check_frequencies(project, folder / "fr_rollup.csv", by=rnd.choice(["code", "document", "site"]), rollup=True)
    found += checks.check_frequencies(project, folder / "fr_coder.csv", by=rnd.choice(["code", "document"]), coders=[rnd.choice(coders)])
    return found


def agreement(project: Project, folder: Path):
    found = []
    if not project.codings:
        return found
    coders = [c for c in project.spec.coders if any(k.coder == c for k in project.codings)]
    if len(coders) < 2:
        return found
    pairs = [(coders[0], coders[1])] + ([(coders[2], coders[0])] if len(coders) > 2 else [])
    for pair in pairs:
        if not ref.compared_documents(project, pair):
            continue
        for level in ("character", "unit", "segment"):
            found += checks.check_agreement(project, folder / f"ag_{level}.csv", coders=list(pair), level=level)
    if len(coders) > 2 and ref.compared_documents(project, coders, "unit"):  # the default: missing data where a coder did not code
        found += checks.check_agreement(project, folder / "ag_three.csv", coders=list(coders), level="unit")
    if len(coders) > 2:  # the same documents named one by one, and the documents every coder coded
        shared = ref.compared_documents(project, coders, "unit")
        if shared:
            found += checks.check_agreement(project, folder / "ag_named.csv", coders=list(coders), level="unit",
                                            documents=shared)
        every = ref.compared_documents(project, coders)
        if every and every != shared:
            found += checks.check_agreement(project, folder / "ag_every.csv", coders=list(coders), level="unit",
                                            documents=every)
    return found


def excerpts(project: Project, folder: Path):
    found = []
    if not project.codings:
        return found
    rnd = random.Random(f"excerpts {project.seed}")
    used = sorted({k.code for k in project.codings})
    tops = sorted({ref.top_level(c) for c in used})
    a = rnd.choice(tops)  # a theme with its sub-codes
    others = [c for c in used if ref.top_level(c) != a] or [c for c in used if c != a]
    found += checks.check_excerpts(project, folder / "ex_or.csv", codes=[a])
    if others:
        b = rnd.choice(others)
        found += checks.check_excerpts(project, folder / "ex_and.csv", codes=[a], combine="and", others=[b])
        found += checks.check_excerpts(project, folder / "ex_not.csv", codes=[a], combine="not", others=[b])
        leaf = rnd.choice([c for c in used if ref.top_level(c) == a])
        coder = rnd.choice(sorted({k.coder for k in project.codings}))
        found += checks.check_excerpts(project, folder / "ex_and_coder.csv", codes=[leaf], combine="and", others=[b],
                                       coders=[coder])
    return found


FAMILIES = {"cooccurrence": cooccurrence, "frequencies": frequencies, "agreement": agreement, "excerpts": excerpts}


def scratch_root() -> Path:
    """RAM-backed scratch space where there is one (many small SQLite commits), else the temp folder."""
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="qb-oracle-", dir=shm if shm.is_dir() else None))


def build_all(root: Path, seeds=SEEDS) -> list[Project]:
    return [build(generate(seed), root / f"seed{seed}") for seed in seeds]


def report(found: list[checks.Mismatch], per_check: int = 1) -> str:
    """Grouped by check; for each, how many mismatches in how many projects and the smallest witness."""
    groups = defaultdict(list)
    for m in found:
        groups[m.check].append(m)
    lines = []
    for check in sorted(groups):
        ms = sorted(groups[check], key=lambda m: (m.size, m.seed))
        lines.append(f"== {check}: {len(ms)} mismatch(es) in {len({m.seed for m in ms})} project(s)")
        lines += [str(m) for m in ms[:per_check]]
    return "\n".join(lines)


def cleanup(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def coverage(projects: list[Project]) -> dict[str, int]:
    """How often the situations the definitions turn on occur in the projects (each must occur,
    or the oracle proves little)."""
    seen = defaultdict(int)
    for p in projects:
        ks = p.codings
        for x in ks:
            for y in ks:
                if x.id >= y.id or x.doc != y.doc:
                    continue
                if x.end == y.start or y.end == x.start:
                    seen["touching ranges"] += 1
                if (x.start, x.end) == (y.start, y.end) and x.coder != y.coder:
                    seen["identical range, two coders" + (", same code" if x.code == y.code else "")] += 1
                if x.coder == y.coder and ((x.start <= y.start and y.end <= x.end) or (y.start <= x.start and x.end <= y.end)):
                    seen["nested, one coder"] += 1
                if x.code == y.code and x.coder != y.coder and ref.overlaps(x.start, x.end, y.start, y.end):
                    inter = min(x.end, y.end) - max(x.start, y.start)
                    span = max(x.end, y.end) - min(x.start, y.start)
                    if 10 * inter == 9 * span:
                        seen["segment overlap exactly 90 %"] += 1
                    elif 0.8 * span < inter < 0.9 * span:
                        seen["segment overlap just under 90 %"] += 1
        for k in ks:
            if not any(ref.overlaps(k.start, k.end, s, e) for s, e in p.docs[k.doc].turns):
                seen["coding outside every turn (a label)"] += 1
            if any(e == k.start or s == k.end for s, e in p.docs[k.doc].turns) and \
                    sum(ref.overlaps(k.start, k.end, s, e) for s, e in p.docs[k.doc].turns) == 1:
                seen["coding touching a turn it does not overlap"] += 1
        n, pair = ref.cooccurrence(p, scope="overlap")
        for (a, b), v in pair.items():
            if n[a] + n[b] - v <= 0:
                seen["c denominator <= 0 (overlap)"] += 1
            if v and ref.c_coefficient(v, n[a], n[b]) is not None and ref.c_coefficient(v, n[a], n[b]) > 1:
                seen["c > 1 (overlap)"] += 1
        coders = set(p.spec.coders)
        for d in p.docs:
            if 0 < len({k.coder for k in ks if k.doc == d}) < len(coders):
                seen["document coded by some coders only"] += 1
        if len({d.title for d in p.docs.values()}) < len(p.docs):
            seen["two documents with one title"] += 1
        if any(ord(ch) > 0xFFFF for d in p.docs.values() for ch in d.text):
            seen["text beyond the BMP (emoji)"] += 1
        if any(d.turns and any(p.docs[d.id].text[s - 1:s] == " " for s, _ in d.turns) for d in p.docs.values()):
            seen["transcript turns after a label"] += 1
    return dict(seen)
