"""Generate a large synthetic project for benchmarks.

    python bench/generate.py --out bench/out/large.db --documents 500 --words 5000 --codes 40 --codings 100000 --coders 3

Documents are transcripts of alternating speakers in paragraphs of 40-160 words
drawn from a mixed Danish/English vocabulary; codings are word-aligned ranges of
5-80 words placed at random, spread over the coders. Rows are written straight
into the schema (one transaction, one event), not through the importers, so a
corpus of 2.5 million words takes seconds; bench/import_speed.py measures the
importers themselves.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualbench import documents as qb_documents, store  # noqa: E402

VOCABULARY = (
    "borger borgeren hjælp hjælpe MitID e-Boks Digital Post selvbetjening skærm kode adgangskode skranke tid "
    "medarbejder sagsbehandler jobcenter borgerservice hjemmepleje pension boligstøtte ansøgning blanket "
    "citizen help screen password counter caseworker form application benefit appointment queue system "
    "and the to of a in that it is was for on with as they we you not but at this have be are or "
    "og at det en i på er som de med har ikke for til den af vi kan så men jeg hun han der også "
    "øjeblik årsag følelse æble måske når hvorfor".split()
)
SPEAKERS = ["Interviewer", "Respondent"]
AREAS = ["Borgerservice", "Jobcenter", "Hjemmepleje", "Socialforvaltning"]
ROLES = ["Counter clerk", "Caseworker", "Home carer", "Social worker", "Team leader"]


def _document_text(rng: random.Random, words: int) -> tuple[str, list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Text, turns (start, end, speaker) and word spans (start, end) of one transcript."""
    parts, turns, spans, pos, written, turn = [], [], [], 0, 0, 0
    while written < words:
        n = min(rng.randint(40, 160), words - written)
        speaker = SPEAKERS[turn % 2]
        label = f"{speaker}: "
        body_words = rng.choices(VOCABULARY, k=n)
        start = pos + len(label)
        cursor = start
        for w in body_words:
            spans.append((cursor, cursor + len(w)))
            cursor += len(w) + 1
        body = " ".join(body_words)
        turns.append((start, start + len(body), speaker))
        parts.append(label + body)
        pos += len(label) + len(body) + 2
        written += n
        turn += 1
    return "\n\n".join(parts), turns, spans


def generate(path: str | Path, *, documents: int = 500, words: int = 5000, codes: int = 40,
             codings: int = 100_000, coders: int = 3, seed: int = 1) -> Path:
    """Write a synthetic project to ``path`` (replaced if it exists) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    db = store.open_project(path)
    themes = max(1, codes // 5)
    coder_names = [f"Coder {i + 1}" for i in range(coders)]
    with db.atomic():
        for name in coder_names:
            db["coders"].insert({"name": name, "role": "coder"})
        code_ids = []
        for t in range(themes):
            theme = db["codes"].insert({"name": f"Theme {t + 1}", "color": f"#{rng.randrange(0x1000000):06x}", "position": t}).last_pk
            code_ids.append(theme)
        while len(code_ids) < codes:
            i = len(code_ids)
            code_ids.append(db["codes"].insert({"name": f"Code {i + 1}", "parent_id": code_ids[i % themes],
                                                 "color": f"#{rng.randrange(0x1000000):06x}", "position": i}).last_pk)
        word_spans = {}
        for d in range(documents):
            text, turns, spans = _document_text(rng, words)
            doc_id = db["documents"].insert({
                "title": f"Generated transcript {d + 1:04d}", "kind": "interview", "text": text,
                "sha256": qb_documents.sha256(text), "source_name": f"generated_{d + 1:04d}.txt", "source_format": "txt",
                "imported_at": store.now(), "imported_by": "bench"}).last_pk
            db["turns"].insert_all(({"document_id": doc_id, "index": i, "start": s, "end": e, "speaker": sp, "timestamp": None}
                                    for i, (s, e, sp) in enumerate(turns)), batch_size=1000)
            db["document_attributes"].insert_all([
                {"document_id": doc_id, "name": "area", "value": AREAS[d % len(AREAS)]},
                {"document_id": doc_id, "name": "role", "value": ROLES[d % len(ROLES)]},
                {"document_id": doc_id, "name": "site", "value": f"Site {d % 7 + 1}"}])
            word_spans[doc_id] = spans
        doc_ids = list(word_spans)
        seen = set()

        def coding_rows():
            made = 0
            while made < codings:
                doc_id = rng.choice(doc_ids)
                spans = word_spans[doc_id]
                first = rng.randrange(len(spans))
                last = min(len(spans) - 1, first + rng.randint(4, 79))
                row = (doc_id, rng.choice(code_ids), spans[first][0], spans[last][1], rng.choice(coder_names))
                if row in seen:
                    continue
                seen.add(row)
                made += 1
                yield {"document_id": row[0], "code_id": row[1], "start": row[2], "end": row[3], "coder": row[4],
                       "memo": "", "created_at": store.now()}

        db["codings"].insert_all(coding_rows(), batch_size=5000)
        store.record(db, who="bench", action="generate", entity="project",
                     after={"documents": documents, "words": words, "codes": codes, "codings": codings, "coders": coders, "seed": seed})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="bench/out/large.db")
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    out = generate(args.out, documents=args.documents, words=args.words, codes=args.codes,
                   codings=args.codings, coders=args.coders, seed=args.seed)
    print(f"{out}: {args.documents} documents x {args.words} words, {args.codes} codes, {args.codings} codings "
          f"by {args.coders} coders in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
