"""The sample project: fictional fieldwork on digital citizen service.

Built from ``corpus/manifest.yaml`` (documents, titles, kinds, attributes and the
project's coders), ``codebook.yaml`` and ``corpus/codings/*.yaml``. A sample
coding names its passage by quoting it (plus ``occurrence`` when the quote occurs
more than once), so the files stay readable and the offsets are found, not typed.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
import yaml

from . import codebook, coding, documents, store
from .errors import QualbenchError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CODEBOOK = ROOT / "codebook.yaml"
WHO = "sample"


def locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th (1-based) exact occurrence of ``quote`` in ``text``."""
    pos = -1
    for _ in range(occurrence):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            raise QualbenchError(f"Sample quote not found (occurrence {occurrence}): {quote[:70]!r}")
    return pos, pos + len(quote)


def build(db: sqlite_utils.Database, *, corpus: Path = CORPUS, codebook_file: Path = CODEBOOK) -> dict:
    """Load the codebook, the documents and the sample codings into an empty project."""
    if store.rows(db, "SELECT 1 FROM documents LIMIT 1") or store.rows(db, "SELECT 1 FROM codes LIMIT 1"):
        raise QualbenchError("The sample project can only be loaded into an empty project.")
    try:
        manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    except OSError as exc:
        raise QualbenchError(f"The sample corpus is missing ({corpus / 'manifest.yaml'}: {exc.strerror}).") from exc
    with db.atomic():  # all or nothing: a failed build leaves the project empty
        return _build(db, manifest, corpus, codebook_file)


def _build(db: sqlite_utils.Database, manifest: dict, corpus: Path, codebook_file: Path) -> dict:
    for coder in manifest.get("coders", []):
        store.ensure_coder(db, coder["name"], role=coder.get("role", "coder"), who=WHO)
    if manifest.get("project"):
        store.set_setting(db, "project_name", manifest["project"], who=WHO)
    codebook.load(db, codebook_file, who=WHO)
    doc_ids = {}
    for entry in manifest["documents"]:
        result = documents.import_path(db, corpus / entry["file"], title=entry.get("title"), kind=entry.get("kind"),
                                       attributes=entry.get("attributes"), who=WHO)
        if result.status != "imported":
            raise QualbenchError(f"Sample document {entry['file']}: {result.message}")
        doc_ids[entry["file"]] = result.document_id
    rows = []
    for path in sorted((corpus / "codings").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if spec.get("document") not in doc_ids:
            raise QualbenchError(f"Sample codings {path.name} name the document {spec.get('document')!r}, which corpus/manifest.yaml does not list.")
        doc = documents.resolve(db, doc_ids[spec["document"]])
        for item in spec["codings"]:
            start, end = locate(doc["text"], item["quote"], item.get("occurrence", 1))
            rows.append({"document_id": doc["id"], "code_id": codebook.resolve(db, item["code"])["id"],
                         "start": start, "end": end, "coder": item["coder"], "memo": item.get("memo", "")})
    coding.apply_many(db, rows, who=WHO)
    return {"documents": len(doc_ids), "codings": len(rows), "codes": len(codebook.codes(db))}


def open_sample(path: str | Path) -> sqlite_utils.Database:
    """Open a project at ``path``, loading the sample if the project is new and empty."""
    db = store.open_project(path)
    if not store.rows(db, "SELECT 1 FROM documents LIMIT 1") and not store.rows(db, "SELECT 1 FROM codes LIMIT 1"):
        build(db)
    return db
