"""``python -m qualbench``: the scripted face of the core.

Every command takes ``--db PATH`` (default: ``$QUALBENCH_DB``, else
``workbench.db`` in the working folder), exits 0 on success and 1 with a
one-line message on bad input, and never prints a traceback.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from . import codebook, coding, documents, sample, store
from .errors import QualbenchError
from .export import tables

CLI_USER = "cli"
# Modules qualbench.cli_<area> that add commands: each has register(sub, common, parser_class).
EXTENSIONS: list[str] = ["cli_agreement", "cli_analysis", "cli_retrieval"]


def _table(frame, fmt: str) -> str:
    if fmt == "csv":
        return tables.csv_bytes(frame).decode("utf-8")  # formulas defused, as in every CSV the project writes
    if frame.empty:
        return "(none)\n"
    return frame.to_string(index=False) + "\n"


def _attr_pairs(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QualbenchError(f"--attr {pair!r}: write it as NAME=VALUE, e.g. --attr area=Borgerservice.")
        out[name.strip()] = value.strip()
    return out


def _open(args, *, create: bool = False):
    return store.open_project(args.db, create=create)


# --- commands -------------------------------------------------------------------------


def cmd_init(args) -> int:
    db = store.open_project(args.db)
    if args.sample:
        summary = sample.build(db)
        print(f"Sample project loaded into {args.db}: {summary['documents']} documents, {summary['codes']} codes, {summary['codings']} codings.")
    else:
        print(f"Project ready at {args.db} (schema {store.schema_version(db)}).")
    return 0


def cmd_import(args) -> int:
    db = _open(args, create=True)
    results = documents.import_many(db, args.files, kind=args.kind, attributes=_attr_pairs(args.attr), who=args.who)
    for result in results:
        print(("error: " if result.status == "failed" else "") + result.message, file=sys.stderr if result.status == "failed" else sys.stdout)
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_documents(args) -> int:
    frame = documents.list_documents(_open(args))
    frame = frame[["id", "title", "kind", "words", "codings"]]
    sys.stdout.write(_table(frame, args.format))
    return 0


def cmd_codebook_load(args) -> int:
    db = _open(args, create=True)
    changes = codebook.load(db, Path(args.file), who=args.who, dry_run=args.dry_run)
    actions = [c for c in changes if c.action != "keep"]
    for change in changes:
        print(("would " if args.dry_run else "") + str(change))
    verb = "Would change" if args.dry_run else "Changed"
    print(f"{verb} {len(actions)} code(s); {sum(c.action == 'keep' for c in changes)} kept as they are.")
    return 0


def cmd_codebook_dump(args) -> int:
    out = codebook.dump(_open(args), args.out)
    print(f"Codebook written to {out}.")
    return 0


def cmd_codebook_merge(args) -> int:
    db = _open(args)
    source, target = codebook.resolve(db, args.source)["path"], codebook.resolve(db, args.target)["path"]
    result = codebook.merge_codes(db, args.source, args.target, who=args.who)
    print(f"Merged “{source}” into “{target}”: {result['moved']} coding(s) moved, {result['collapsed']} duplicate(s) collapsed, "
          f"{result['children']} child code(s) and {result['memos']} memo(s) moved.")
    return 0


def cmd_codebook_rename(args) -> int:
    db = _open(args)
    old = codebook.resolve(db, args.old)
    codebook.update_code(db, old["id"], who=args.who, name=args.new)
    print(f"Renamed “{old['path']}” to “{codebook.paths(db)[old['id']]}”.")
    return 0


def cmd_code(args) -> int:
    db = _open(args)
    coding_id = coding.apply(db, args.document, args.code, args.start, args.end, coder=args.coder, memo=args.memo or "")
    row = coding.codings(db).set_index("id").loc[coding_id]
    print(f"Coding {coding_id}: “{row['code']}” on {row['document']} {args.start}-{args.end} by {row['coder']}: {row['excerpt'][:80]!r}")
    return 0


def cmd_codings(args) -> int:
    frame = coding.codings(_open(args), document=args.document, coder=args.coder)
    frame = frame[["id", "document", "code", "start", "end", "coder", "memo", "excerpt"]]
    if args.format != "csv":
        frame = frame.assign(excerpt=frame["excerpt"].str.replace("\n", " ").str.slice(0, 60))
    sys.stdout.write(_table(frame, args.format))
    return 0


def cmd_undo(args) -> int:
    what = coding.undo(_open(args), who=args.coder)
    print(f"Undone for {args.coder}: {what}.")
    return 0


# --- the parser -----------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 1, like every other bad input
        raise QualbenchError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="project database (default: $QUALBENCH_DB or workbench.db)")
    common.add_argument("--who", default=argparse.SUPPRESS, help="name recorded in the change log (default: cli)")
    parser = _Parser(prog="python -m qualbench", description="Qualbench: qualitative coding from the command line.", parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("init", parents=[common], help="create a project (with --sample: the sample project)")
    p.add_argument("--sample", action="store_true", help="load the sample corpus, codebook and codings")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", parents=[common], help="import documents (txt md docx odt rtf pdf vtt srt)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=store.DOCUMENT_KINDS)
    p.add_argument("--attr", action="append", metavar="NAME=VALUE", help="a case attribute; repeat for several")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("documents", parents=[common], help="list documents: id, title, kind, words, codings")
    p.add_argument("--format", choices=["text", "csv"], default="text")
    p.set_defaults(func=cmd_documents)

    cb = sub.add_parser("codebook", parents=[common], help="load or dump the codebook")
    cb_sub = cb.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = cb_sub.add_parser("load", parents=[common], help="validate and merge a .yaml or .qdc codebook")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="show what would change and change nothing")
    p.set_defaults(func=cmd_codebook_load)
    p = cb_sub.add_parser("dump", parents=[common], help="write the codebook as .yaml, .qdc or .docx")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=cmd_codebook_dump)
    p = cb_sub.add_parser("merge", parents=[common], help="merge code SOURCE into code TARGET (codings, child codes, memos)")
    p.add_argument("source", metavar="SOURCE", help="name or path Parent/Child of the code that goes away")
    p.add_argument("target", metavar="TARGET", help="name or path of the code that receives its codings")
    p.set_defaults(func=cmd_codebook_merge)
    p = cb_sub.add_parser("rename", parents=[common], help="rename a code (NEW is a bare name, not a path)")
    p.add_argument("old", metavar="OLD", help="name or path Parent/Child")
    p.add_argument("new", metavar="NEW")
    p.set_defaults(func=cmd_codebook_rename)

    p = sub.add_parser("code", parents=[common], help="code text[START:END] of a document")
    p.add_argument("document", metavar="DOCUMENT", help="id or exact title")
    p.add_argument("code", metavar="CODE", help="name or path Parent/Child")
    p.add_argument("start", type=int, metavar="START")
    p.add_argument("end", type=int, metavar="END")
    p.add_argument("--coder", required=True)
    p.add_argument("--memo")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("codings", parents=[common], help="list codings")
    p.add_argument("--document")
    p.add_argument("--coder")
    p.add_argument("--format", choices=["text", "csv"], default="text")
    p.set_defaults(func=cmd_codings)

    p = sub.add_parser("undo", parents=[common], help="undo the coder's last change, as the sidebar's Undo does")
    p.add_argument("--coder", required=True, help="whose last change (as recorded in the change log)")
    p.set_defaults(func=cmd_undo)

    import importlib

    for name in EXTENSIONS:
        importlib.import_module(f".{name}", __package__).register(sub, common, _Parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = None
    try:
        args = build_parser().parse_args(argv)
        args.db = getattr(args, "db", None) or str(store.default_db_path())
        args.who = getattr(args, "who", None) or CLI_USER
        return args.func(args)
    except QualbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # busy, disk full, read-only, damaged: one sentence, like bad input
        print(f"error: {store.explain(exc, path=getattr(args, 'db', None))}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still one line, never a traceback
        print(f"error: unexpected {type(exc).__name__}: {exc} (this is a Qualbench bug; please report it)", file=sys.stderr)
        return 2
