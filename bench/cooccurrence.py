"""Co-occurrence benchmark: the vectorised matrix beside the pairwise reference, per scope.

    python bench/cooccurrence.py            # 10,000 and 100,000 codings over 500 documents, 40 codes

Prints seconds per scope for ``analysis.cooccurrence`` and for
``analysis.cooccurrence_reference`` (a plain pairwise loop within each document),
checks that both give exactly the same matrix, and prints the ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate  # noqa: E402
from qualbench import analysis, store  # noqa: E402


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description="co-occurrence benchmark")
    parser.add_argument("--codings", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--documents", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for codings in args.codings:
            path = generate(Path(tmp) / f"co{codings}.db", documents=args.documents, codings=codings)
            db = store.open_project(path, create=False)
            print(f"{args.documents} documents x 5,000 words, 40 codes, {codings:,} codings")
            for scope in analysis.SCOPES:
                fast, fast_s = timed(analysis.cooccurrence, db, scope=scope)
                slow, slow_s = timed(analysis.cooccurrence_reference, db, scope=scope)
                same = list(fast.index) == list(slow.index) and np.array_equal(fast.to_numpy(), slow.to_numpy())
                print(f"  {scope:9s} matrix {fast_s:7.3f} s   pairwise reference {slow_s:7.2f} s   "
                      f"ratio {slow_s / fast_s:6.0f}x   identical: {same}")
            db.close()


if __name__ == "__main__":
    main()
