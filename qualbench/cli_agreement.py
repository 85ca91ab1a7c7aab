"""``agreement``: inter-coder agreement per code, then pooled, as CSV (or Word)."""

from __future__ import annotations

from pathlib import Path

from . import agreement, documents, store
from . import agreement_stats as stats
from .errors import QualbenchError


def cmd_agreement(args) -> int:
    db = store.open_project(args.db, create=False)
    docs = list(dict.fromkeys(documents.resolve(db, d)["id"] for d in args.document)) if args.document else None
    codes = list(dict.fromkeys(args.code)) if args.code else None
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".docx"):
        raise QualbenchError(f"{out.name}: write the agreement table as .csv or .docx.")
    frame = agreement.compare(db, args.coders, level=args.level, min_overlap=args.overlap, documents=docs, codes=codes,
                              by_document=args.by_document)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            out.write_bytes(agreement.csv_bytes(frame))
        else:
            from .export.methods import agreement_docx

            out.write_bytes(agreement_docx(frame, project=store.get_setting(db, "project_name") or "Qualbench project"))
    except OSError as exc:
        raise QualbenchError(f"{out}: cannot be written ({exc.strerror}).") from exc
    n_docs = len(frame.attrs["documents"])
    if args.by_document:
        print(f"{frame['code'].nunique()} code(s) x {n_docs} document(s): {len(frame)} row(s). Written to {out}.")
        return 0
    pooled = frame.iloc[-1]
    figure = {"character": "kappa", "unit": "alpha", "segment": "agreement_percent"}[args.level]
    value = stats.shown(pooled[figure], agreement.FIGURE_PLACES[figure])
    print(f"{len(frame) - 1} code(s), {n_docs} document(s); pooled {figure}: {'undefined' if value is None else value}. Written to {out}.")
    return 0


def register(sub, common, parser_class) -> None:
    p = sub.add_parser("agreement", parents=[common], help="inter-coder agreement per code (character, unit or segment level)")
    p.add_argument("--coders", nargs="+", required=True, metavar="NAME")
    p.add_argument("--level", choices=agreement.LEVELS, default="character")
    p.add_argument("--overlap", type=float, default=0.9, help="segment level: share of overlap that makes a match (default 0.9)")
    p.add_argument("--document", action="append", metavar="D", help="compare only these documents (id or title); repeat")
    p.add_argument("--code", action="append", metavar="CODE", help="compare only these codes; repeat")
    p.add_argument("--by-document", action="store_true",
                   help="character level: one row per code and document, as NVivo's coding comparison lists them")
    p.add_argument("--out", required=True, metavar="FILE", help=".csv or .docx")
    p.set_defaults(func=cmd_agreement)
