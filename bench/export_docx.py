"""Word export benchmark: 5,000 and 500 excerpts to a .docx report on the generated corpus.

    python bench/export_docx.py                      # 500 documents x 5,000 words, 40 codes, 100,000 codings
    python bench/export_docx.py --sizes 500 5000 20000

Builds the synthetic project of bench/generate.py (every fifth coding gets a memo, so
the report has memos to write), retrieves excerpts of whole themes (a theme includes
its codes) with 200 characters of context, and times, for each size, the retrieval,
the Word report (grouped by code, context highlighted) and the CSV and XLSX tables.
Prints seconds and, for each figure, the ratio to the smallest size: a ratio near
the ratio of sizes means the export grows linearly with the excerpts. The issue's
target: 5,000 excerpts to Word in under 10 seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate  # noqa: E402
from qualbench import codebook, retrieval, store  # noqa: E402
from qualbench.export import docx as docx_export, tables  # noqa: E402


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def themes_for(db, size: int) -> list[str]:
    """Enough whole themes (in codebook order) to retrieve at least ``size`` excerpts."""
    chosen, total = [], 0
    counts = {r["code_id"]: r["n"] for r in store.rows(db, "SELECT code_id, count(*) AS n FROM codings GROUP BY code_id")}
    for theme in (c for c in codebook.codes(db) if c["depth"] == 0):
        chosen.append(theme["path"])
        total += sum(counts.get(i, 0) for i in codebook.descendants(db, theme["id"]))
        if total >= size:
            return chosen
    raise SystemExit(f"The generated project holds only {total} codings; ask for fewer excerpts or generate more codings.")


def main() -> None:
    parser = argparse.ArgumentParser(description="Word export benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5_000])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--codings", type=int, default=100_000)
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = generate(Path(tmp) / "export.db", documents=args.documents, codings=args.codings)
        db = store.open_project(path, create=False)
        with db.atomic():
            db.execute("UPDATE codings SET memo = 'A memo on this passage: it shows the pattern again, with a twist.' WHERE id % 5 = 0")
        print(f"{args.documents} documents x 5,000 words, 40 codes, {args.codings:,} codings "
              f"(generated in {time.perf_counter() - started:.1f} s)")
        results = []
        for size in sizes:
            frame, retrieve_s = timed(retrieval.excerpts, db, codes=themes_for(db, size), context=200)
            frame = frame.head(size)
            report, docx_s = timed(docx_export.excerpts_docx, db, frame, group_by="code")
            _, csv_s = timed(tables.to_csv, frame)
            _, xlsx_s = timed(tables.to_xlsx, frame)
            results.append((size, docx_s, retrieve_s, csv_s, xlsx_s))
            print(f"  {size:6,} excerpts: Word {docx_s:6.2f} s ({len(report) / 1e6:.1f} MB)   retrieval {retrieve_s:5.2f} s   "
                  f"CSV {csv_s:5.2f} s   XLSX {xlsx_s:5.2f} s")
        base = results[0]
        for size, *figures in results[1:]:
            ratios = "   ".join(f"{name} {now / then:5.1f}x" for name, now, then in zip(("Word", "retrieval", "CSV", "XLSX"), figures, base[1:]))
            print(f"  {size:,} vs {base[0]:,} excerpts ({size / base[0]:.0f}x as many): {ratios}")
        db.close()


if __name__ == "__main__":
    main()
