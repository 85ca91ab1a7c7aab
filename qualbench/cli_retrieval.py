"""``excerpts``: coded excerpts by code, combined with AND/NOT and filtered, written as .docx, .csv or .xlsx.

    python -m qualbench excerpts --code Cross-pressure --and "Boundary confusion" --where area=Jobcenter --out x.docx

A bare file name is written into ``exports/`` of the working folder; the path written is printed.
"""

from __future__ import annotations

from . import documents, export, retrieval, store
from .filters import Filters, parse_where


def _context(value: str) -> int | str:
    return "turn" if value == "turn" else int(value) if value.isdigit() else value  # retrieval explains a bad value


def cmd_excerpts(args) -> int:
    out = export.output_path(args.out)
    suffix = export.check_format(out)
    db = store.open_project(args.db, create=False)
    filters = Filters(documents=[documents.resolve(db, d)["id"] for d in args.document] if args.document else None,
                      kinds=args.kind or None, attributes=parse_where(args.where), coders=args.coder or None)
    combine = "and" if args.and_codes else "not" if args.not_codes else "or"
    query = retrieval.Query(codes=args.code, combine=combine, other=args.and_codes or args.not_codes or [],
                            children=not args.no_children, filters=filters, created_from=args.coded_from,
                            created_to=args.coded_until, words=args.words or "", context=_context(args.context),
                            stretch=args.stretch)
    frame = retrieval.excerpts(db, query)
    data = export.excerpts_file(db, frame, suffix, group_by=args.group_by, codebook_appendix=args.codebook)
    export.write_bytes(out, data)
    if len(frame):
        print(f"{retrieval.counts_text(frame)} written to {out}")
    else:
        print(f"No excerpts match this query; {out} says so.")
    return 0


def register(sub, common, parser_class) -> None:
    p = sub.add_parser("excerpts", parents=[common], help="coded excerpts as a Word report (.docx) or a table (.csv, .xlsx)")
    p.add_argument("--code", nargs="+", action="extend", required=True, metavar="NAME",
                   help="codes (name or Parent/Child path); several mean any of them; a code includes its sub-codes")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--and", dest="and_codes", nargs="+", action="extend", metavar="NAME",
                     help="only where a coding of --code overlaps a coding of this code: the overlapping stretch")
    how.add_argument("--not", dest="not_codes", nargs="+", action="extend", metavar="NAME",
                     help="only codings of --code that overlap no coding of this code")
    p.add_argument("--where", action="append", metavar="ATTR=VALUE", help="only documents with this case attribute; repeat")
    p.add_argument("--coder", action="append", metavar="C", help="only this coder's codings; repeat for several")
    p.add_argument("--document", action="append", metavar="D", help="only this document (id or exact title); repeat")
    p.add_argument("--kind", action="append", choices=store.DOCUMENT_KINDS, help="only documents of this kind; repeat")
    p.add_argument("--from", dest="coded_from", metavar="YYYY-MM-DD", help="only codings made on or after this day")
    p.add_argument("--until", dest="coded_until", metavar="YYYY-MM-DD", help="only codings made on or before this day")
    p.add_argument("--words", metavar="TEXT", help="only excerpts containing every word (quote a phrase)")
    p.add_argument("--context", default="0", metavar="N|turn", help="characters of context either side, or 'turn' (default 0)")
    p.add_argument("--no-children", action="store_true", help="a code does not include its sub-codes")
    p.add_argument("--stretch", choices=retrieval.STRETCHES, default="overlap",
                   help="with --and: the overlapping words (default) or the union of both codings")
    p.add_argument("--group-by", choices=["code", "document"], default="code", help="Word report: a section per code or per document")
    p.add_argument("--codebook", action="store_true", help="Word report: add the codebook as an appendix")
    p.add_argument("--out", required=True, metavar="FILE", help=".docx, .csv or .xlsx; a bare name goes into exports/")
    p.set_defaults(func=cmd_excerpts)
