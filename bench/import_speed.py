"""Import benchmark: documents per second and peak memory of ``documents.import_many``.

    python bench/import_speed.py --documents 200 --words 5000

Writes generated transcripts as .txt files (and, with --docx N, N of them as
.docx), imports them into a fresh project, and prints documents per second,
words per second and peak Python memory (tracemalloc). The baseline is the least
any importer must do: read the bytes, decode them and hash them; the ratio says
how many times that the full import (turn recognition, NFC, storing, full-text
index) costs.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import _document_text  # noqa: E402
from qualbench import documents, store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Import benchmark")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--docx", type=int, default=20, help="how many of the documents to write as .docx")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for i in range(args.documents):
            text, _, _ = _document_text(rng, args.words)
            if i < args.docx:
                import docx

                d = docx.Document()
                for paragraph in text.split("\n\n"):
                    d.add_paragraph(paragraph)
                path = folder / f"doc{i:04d}.docx"
                d.save(path)
            else:
                path = folder / f"doc{i:04d}.txt"
                path.write_text(text, encoding="utf-8")
            files.append(path)

        t0 = time.perf_counter()
        for path in files:
            if path.suffix == ".txt":
                documents.sha256(path.read_bytes().decode("utf-8"))
        baseline = time.perf_counter() - t0
        txt_count = sum(1 for p in files if p.suffix == ".txt")

        db = store.open_project(folder / "bench.db")
        tracemalloc.start()
        t0 = time.perf_counter()
        results = documents.import_many(db, [p for p in files if p.suffix == ".txt"], who="bench")
        txt_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        results += documents.import_many(db, [p for p in files if p.suffix == ".docx"], who="bench")
        docx_seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert all(r.status == "imported" for r in results), [r.message for r in results if r.status != "imported"]

    print(f"import of {args.documents} generated transcripts of {args.words} words")
    print(f"  .txt : {txt_count} documents in {txt_seconds:.2f} s = {txt_count / txt_seconds:.1f} documents/s, "
          f"{txt_count * args.words / txt_seconds:,.0f} words/s")
    if args.docx:
        print(f"  .docx: {args.docx} documents in {docx_seconds:.2f} s = {args.docx / docx_seconds:.1f} documents/s")
    print(f"  peak Python memory during import: {peak / 2**20:.1f} MiB")
    print(f"  baseline (read + decode + sha256 of the .txt files): {baseline:.3f} s; import/baseline ratio {txt_seconds / baseline:.1f}x")


if __name__ == "__main__":
    main()
