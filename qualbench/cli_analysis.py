"""``cooccurrence`` and ``frequencies``: counts over codings as CSV, or their charts as PNG/SVG."""

from __future__ import annotations

from pathlib import Path

from . import analysis, charts, store
from .errors import QualbenchError
from .export import tables
from .filters import Filters, parse_where

FORMATS = (".csv", ".png", ".svg")


def _write(out: Path, table, chart) -> None:
    """Write the table as CSV, or its chart as PNG/SVG; the extension decides."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise QualbenchError(f"{out.name}: write it as .csv, .png or .svg.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            table()
        elif suffix == ".png":
            out.write_bytes(charts.to_png(chart()))
        else:
            out.write_text(charts.to_svg(chart()), encoding="utf-8")
    except OSError as exc:
        raise QualbenchError(f"{out}: cannot be written ({exc.strerror}).") from exc


def cmd_cooccurrence(args) -> int:
    db = store.open_project(args.db, create=False)
    out = Path(args.out)
    filters = Filters(coders=args.coder or None, attributes=parse_where(args.where))
    matrix = analysis.cooccurrence(db, scope=args.scope, measure=args.measure, filters=filters, rollup=args.rollup)
    _write(out, lambda: out.write_bytes(tables.csv_bytes(matrix, index=True, index_label="code",
                                                        float_format="%.4f" if args.measure == "c" else None)),
           lambda: charts.heatmap(matrix, title=f"Co-occurrence ({args.scope} scope, {args.measure})", value=args.measure))
    undefined = int(matrix.isna().to_numpy().sum())
    note = f" {undefined} cells have an undefined c (n_A + n_B - n_AB <= 0), left blank." if undefined else ""
    print(f"{len(matrix)} x {len(matrix)} {args.measure} matrix ({args.scope} scope) written to {out}.{note}")
    return 0


def cmd_frequencies(args) -> int:
    db = store.open_project(args.db, create=False)
    out = Path(args.out)
    filters = Filters(coders=args.coder or None, attributes=parse_where(args.where))
    table = analysis.frequencies(db, by=args.by, filters=filters, rollup=args.rollup)
    chart = (lambda: charts.bars(table, title="Codings per code")) if args.by == "code" else \
        (lambda: charts.heatmap(table, title=f"Codings by {args.by}", columns_title=args.by))
    _write(out, lambda: out.write_bytes(tables.csv_bytes(table, index=args.by != "code")), chart)
    print(f"Frequencies by {args.by}: {len(table)} codes written to {out}.")
    return 0


def register(sub, common, parser_class) -> None:
    p = sub.add_parser("frequencies", parents=[common], help="code frequencies, or code-by-document / code-by-attribute counts")
    p.add_argument("--by", default="code", metavar="code|document|ATTRIBUTE")
    p.add_argument("--coder", action="append", metavar="C")
    p.add_argument("--where", action="append", metavar="ATTR=VALUE")
    p.add_argument("--rollup", action="store_true", help="count every coding under its top-level code")
    p.add_argument("--out", required=True, metavar="FILE.csv|.png|.svg")
    p.set_defaults(func=cmd_frequencies)

    p = sub.add_parser("cooccurrence", parents=[common], help="code-by-code co-occurrence matrix")
    p.add_argument("--scope", choices=analysis.SCOPES, default="overlap")
    p.add_argument("--measure", choices=analysis.MEASURES, default="count")
    p.add_argument("--coder", action="append", metavar="C", help="count only this coder's codings; repeat for several")
    p.add_argument("--where", action="append", metavar="ATTR=VALUE", help="only documents with this attribute value; repeat")
    p.add_argument("--rollup", action="store_true", help="count every coding under its top-level code")
    p.add_argument("--out", required=True, metavar="FILE.csv|.png|.svg")
    p.set_defaults(func=cmd_cooccurrence)
