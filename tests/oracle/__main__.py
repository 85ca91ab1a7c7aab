"""``python3 -m tests.oracle``: the oracle outside pytest, with a report grouped by definition.

    python3 -m tests.oracle                       # all seeds, all command families
    python3 -m tests.oracle --seeds 5,10 --family cooccurrence excerpts
    python3 -m tests.oracle --shrink              # also shrink each definition's smallest case
    python3 -m tests.oracle --seeds 10 --keep /tmp/p   # keep the projects (project.db per seed)

--shrink rebuilds the smallest failing project again and again through the CLI, dropping
documents and codings while the same definition still fails, and prints what is left: the
documents, the codings and the figure that differs.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from . import suite
from .project import ProjectSpec, build, generate


def _seeds(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def _without_document(spec: ProjectSpec, i: int) -> ProjectSpec:
    docs = spec.docs[:i] + spec.docs[i + 1:]
    codings = [dataclasses.replace(k, doc=k.doc - (k.doc > i)) for k in spec.codings if k.doc != i]
    return dataclasses.replace(spec, docs=docs, codings=codings)


def _failing(spec: ProjectSpec, check: str, root: Path, counter=[0]):
    counter[0] += 1
    if not spec.codings:
        return None
    folder = root / f"shrink{counter[0]}"
    try:
        project = build(spec, folder)
    except AssertionError:
        return None
    family = check.split(".")[0]
    found = [m for m in suite.FAMILIES[family](project, project.folder) if m.check == check]
    suite.cleanup(folder)
    return found or None


def shrink(spec: ProjectSpec, check: str, root: Path):
    found = _failing(spec, check, root)
    progress = True
    while progress:
        progress = False
        for i in range(len(spec.docs) - 1, -1, -1):
            if len(spec.docs) > 1:
                smaller = _without_document(spec, i)
                again = _failing(smaller, check, root)
                if again:
                    spec, found, progress = smaller, again, True
        for j in range(len(spec.codings) - 1, -1, -1):
            smaller = dataclasses.replace(spec, codings=spec.codings[:j] + spec.codings[j + 1:])
            again = _failing(smaller, check, root)
            if again:
                spec, found, progress = smaller, again, True
    return spec, found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.oracle")
    parser.add_argument("--seeds", default=f"{suite.SEEDS.start}-{suite.SEEDS.stop - 1}")
    parser.add_argument("--family", nargs="+", choices=list(suite.FAMILIES), default=list(suite.FAMILIES))
    parser.add_argument("--shrink", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="build the projects here and keep them")
    args = parser.parse_args(argv)
    root = Path(args.keep) if args.keep else suite.scratch_root()
    started = time.time()
    try:
        projects = suite.build_all(root, _seeds(args.seeds))
        for p in projects:
            for problem in p.problems:
                print(f"seed {p.seed}: {problem}")
        found = [m for p in projects for family in args.family for m in suite.FAMILIES[family](p, p.folder)]
        print(suite.report(found))
        print(f"\n{len(found)} mismatch(es) in {len(projects)} project(s), {time.time() - started:.1f} s")
        if args.shrink:
            smallest = {}
            for m in sorted(found, key=lambda m: (m.size, m.seed)):
                smallest.setdefault(m.check, m)
            for check, m in sorted(smallest.items()):
                spec, witness = shrink(generate(m.seed), check, root)
                print(f"\n##### {check}: seed {m.seed} shrunk to {len(spec.docs)} document(s), {len(spec.codings)} coding(s)")
                for i, d in enumerate(spec.docs):
                    print(f"  document {i + 1}: {d.folder}/{d.filename} "
                          f"site={d.site} text={d.text!r}")
                for k in spec.codings:
                    print(f"  code {k.doc + 1} {k.code!r} {k.start} {k.end} --coder {k.coder!r}  "
                          f"-> {spec.docs[k.doc].text[k.start:k.end]!r}")
                print(f"  {witness[0] if witness else '(no longer reproduces)'}")
    finally:
        if not args.keep:
            suite.cleanup(root)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
