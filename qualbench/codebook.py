"""The codebook: ``codebook.yaml`` <-> database, validation, and code look-ups.

The YAML format (documented in the README)::

    codebook: Title of the project's codebook     # optional
    codes:
      - name: Cross-pressure                      # required, no "/"
        color: "#c0392b"                          # hex #RRGGBB
        shortcut: "1"                             # optional, one key, unique
        description: What the code means
        inclusion: When to apply it
        exclusion: When not to
        example: A typical passage
        children: [...]                           # codes nested under this one
      - name: A code placed by path
        parent: Cross-pressure                    # instead of nesting (flat lists)

Loading validates the whole file first and reports every problem with its line;
only a file without problems changes the database. Loading into a project that
already has codes merges: codes are matched by path (``Parent/Child``), new ones
are added, definitions updated, and nothing is ever deleted.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
import yaml

from . import names, store
from .errors import CodebookProblem, NotFound, QualbenchError, UndoRefused

FIELDS = ("color", "shortcut", "description", "inclusion", "exclusion", "example")
CODE_KEYS = {"name", "children", "parent", *FIELDS}
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOR = "#888888"
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

# Bounds of a codebook file (YAML or .qdc), checked before it is built into codes. A real
# codebook has tens to hundreds of codes a few levels deep; these are far above that and
# keep a hostile file from taking the server's memory or time.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CODES = 5000
MAX_DEPTH = 50  # levels of codes: a top-level code is level 1
_MAX_YAML_DEPTH = 2 * MAX_DEPTH + 3  # each level of codes is a mapping in a `children` list
_MAX_YAML_NODES = 25 * MAX_CODES  # a code with every key set is 21 YAML nodes
_TEXT_KEYS = {"name", "parent", "codebook", *FIELDS}  # read as written: `name: Yes` is "Yes", `shortcut: 1` is "1"


@dataclass
class CodeSpec:
    """One code as read from a file, before it is matched against the database."""

    name: str
    parent_path: str | None
    fields: dict
    position: int
    line: int | None = None
    children: list["CodeSpec"] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.parent_path}/{self.name}" if self.parent_path else self.name


# --- reading YAML with line numbers ----------------------------------------------------

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster


class _LineLoader(_BaseLoader):
    """A safe loader that remembers the line of every mapping as ``__line__`` and reads text keys as written."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        for key_node, value_node in node.value:
            if (isinstance(key_node, yaml.ScalarNode) and key_node.value in _TEXT_KEYS
                    and isinstance(value_node, yaml.ScalarNode) and value_node.tag != "tag:yaml.org,2002:null"):
                mapping[key_node.value] = value_node.value
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


_short_repr = reprlib.Repr()
_short_repr.maxstring = _short_repr.maxother = 60
_short_repr.maxlist = _short_repr.maxdict = _short_repr.maxtuple = 4
_short_repr.maxlevel = 3


def _quote(value) -> str:
    """A value from the file, quoted for a message: at most about 60 characters, invisible characters shown."""
    return names.visible(_short_repr.repr(value) if not isinstance(value, str) else repr(names.shorten(value, 60)))


def _size_problem(label: str, size: int) -> CodebookProblem | None:
    if size > MAX_FILE_BYTES:
        return CodebookProblem(f"{label}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not read as a codebook.")
    return None


def read_file(path: str | Path, label: str) -> bytes:
    """The bytes of a codebook file; one that cannot be read, or is too large, is a CodebookProblem naming ``label``."""
    try:
        size = Path(path).stat().st_size
        if _size_problem(label, size):
            raise _size_problem(label, size)
        return Path(path).read_bytes()
    except OSError as exc:
        raise CodebookProblem(f"{label}: cannot be read ({exc.strerror}).") from exc


def _check_events(source: str, label: str) -> None:
    """Refuse, before anything is built, YAML anchors and aliases, nesting past MAX_DEPTH and more codes than MAX_CODES.

    The events come from the parser one at a time (no recursion, nothing expanded): an
    alias bomb of a few hundred bytes, a list nested thousands deep and a list of a
    million values are each refused here with one sentence.
    """
    depth = nodes = mappings = 0
    for event in yaml.parse(source, Loader=_BaseLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise CodebookProblem(f"{label}, line {line}: YAML anchors and aliases (&name, *name, <<: *name) are not allowed "
                                  "in a codebook; write each code out in full.")
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > _MAX_YAML_DEPTH:
                raise CodebookProblem(f"{label}, line {line}: the file nests more than {MAX_DEPTH} levels of codes; "
                                      f"a codebook holds at most {MAX_DEPTH} levels.")
            if isinstance(event, yaml.MappingStartEvent):
                mappings += 1
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if mappings > MAX_CODES + 1 or nodes > _MAX_YAML_NODES:
            raise CodebookProblem(f"{label}: refused: the file holds more than {MAX_CODES:,} codes (or more values than "
                                  f"{MAX_CODES:,} codes can have); a codebook holds at most {MAX_CODES:,} codes.")


def read_yaml(source: str | Path | bytes, *, name: str | None = None) -> tuple[str | None, list[dict], str]:
    """Parse a YAML codebook into (title, raw code dicts with ``__line__``, file label)."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and Path(source).suffix):
        path = Path(source)
        label = name or path.name
        source = read_file(path, label)
    label = name or "codebook"
    too_large = _size_problem(label, len(source))
    if too_large:
        raise too_large
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            source = source.decode("cp1252", errors="replace")
    try:
        _check_events(source, label)
        data = yaml.load(source, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise CodebookProblem(f"{label}: not valid YAML{where}: {names.shorten(str(getattr(exc, 'problem', None) or exc), 200)}.") from exc
    if data is None:
        raise CodebookProblem(f"{label}: the file is empty.")
    title = None
    if isinstance(data, dict):
        title = data.get("codebook")
        unknown = set(data) - {"codebook", "codes", "__line__"}
        if unknown:
            raise CodebookProblem(f"{label}: unknown top-level key(s) {_keys(unknown)} (expected codebook, codes).")
        data = data.get("codes")
    if title is not None:
        if isinstance(title, (list, dict)):
            raise CodebookProblem(f"{label}: the codebook title must be text, not {_kind(title)}.")
        problem = names.name_problem(names.collapse(str(title)), what="The codebook title", limit=500)
        if problem:
            raise CodebookProblem(f"{label}: {problem}")
    if not isinstance(data, list) or not data:
        raise CodebookProblem(f"{label}: no codes found (expected a list under `codes:`).")
    return (names.collapse(str(title)) if title else None), data, label


def _kind(value) -> str:
    return "a list" if isinstance(value, (list, tuple)) else "a mapping" if isinstance(value, dict) else type(value).__name__


def _keys(keys) -> str:
    """Keys from the file for a message: the first five, each shortened, then how many more."""
    shown = sorted((names.visible(names.shorten(str(k), 40)) for k in keys))
    return ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")


def _problems(label: str, problems: list[str]) -> CodebookProblem:
    shown = problems[: CodebookProblem.MAX_PROBLEMS]
    more = len(problems) - len(shown)
    text = f"{label}: {len(problems)} problem{'s' * (len(problems) != 1)}: " + " | ".join(
        names.shorten(p, CodebookProblem.MAX_PROBLEM_CHARS) for p in shown)
    if more:
        text += f" | … and {more} more problems"
    return CodebookProblem(text, problems)


def parse_specs(items: list, label: str) -> list[CodeSpec]:
    """Validate raw code dicts into a flat, parent-first list of CodeSpecs.

    Collects every problem (with its line) and raises one CodebookProblem listing
    them (the first twenty): unknown keys, empty, over-long or non-text names, "/" or
    invisible direction controls in a name (:func:`qualbench.names.name_problem`), bad
    colours, duplicate shortcuts, unknown parents, parent cycles, codes nested more
    than MAX_DEPTH levels; more than MAX_CODES codes is refused at once.
    """
    problems: list[str] = []
    flat: list[CodeSpec] = []
    placed_by_parent: list[CodeSpec] = []

    def at(raw, text):
        line = raw.get("__line__") if isinstance(raw, dict) else None
        problems.append(f"{label}, line {line}: {text}" if line else f"{label}: {text}")

    def walk(raw_list, parent: str | None, depth: int, owner):
        if not isinstance(raw_list, list):
            at(owner, f"`children` of {names.visible(names.shorten(parent or '', 60))} must be a list of codes.")
            return
        if depth > MAX_DEPTH:
            at(owner, f"codes are nested more than {MAX_DEPTH} levels deep under “{names.visible(names.shorten(parent or '', 60))}”; "
                      f"a codebook holds at most {MAX_DEPTH} levels.")
            return
        for position, raw in enumerate(raw_list):
            if len(flat) > MAX_CODES:
                raise CodebookProblem(f"{label}: refused: more than {MAX_CODES:,} codes; a codebook holds at most {MAX_CODES:,} codes.")
            if not isinstance(raw, dict):
                at(owner, f"expected a code (a mapping with name, color, ...), found {_quote(raw)}.")
                continue
            unknown = set(raw) - CODE_KEYS - {"__line__"}
            if unknown:
                at(raw, f"unknown key(s) {_keys(unknown)} (allowed: {', '.join(sorted(CODE_KEYS))}).")
            raw_name = raw.get("name")
            if isinstance(raw_name, (list, tuple, dict)):
                at(raw, f"the name of a code must be text, not {_kind(raw_name)} ({_quote(raw_name)}).")
                continue
            name = names.collapse(str(raw_name) if raw_name is not None else "")
            if not name:
                at(raw, "a code has an empty name.")
                continue
            problem = names.name_problem(name, what="The code name")
            if problem:
                at(raw, problem)
                continue
            if "/" in name:
                at(raw, f"code name “{name}” contains “/”, which separates parent and child in paths.")
            fields = {}
            for key in FIELDS:
                value = raw.get(key)
                if isinstance(value, (list, tuple, dict)):
                    at(raw, f"the {key} of code “{name}” must be text, not {_kind(value)}.")
                    value = None
                fields[key] = "" if value is None else str(value).strip()
            if fields["color"] and not COLOR.match(fields["color"]):
                at(raw, f"code “{name}” has a bad colour {_quote(fields['color'])} (use #RRGGBB, e.g. #c0392b).")
            if fields["shortcut"] and len(fields["shortcut"]) != 1:
                at(raw, f"code “{name}” has shortcut {_quote(fields['shortcut'])}; a shortcut is one key.")
            own_parent = raw.get("parent")
            if isinstance(own_parent, (list, tuple, dict)):
                at(raw, f"the parent of code “{name}” must be a name or a path, not {_kind(own_parent)}.")
                own_parent = None
            if own_parent is not None and parent is not None:
                at(raw, f"code “{name}” is nested under {names.visible(names.shorten(parent, 60))} and also names parent "
                        f"{_quote(own_parent)}; use one.")
            spec = CodeSpec(name, parent, fields, position, raw.get("__line__"))
            if own_parent is not None:
                spec.parent_path = "/".join(p.strip() for p in str(own_parent).split("/")) or None
                placed_by_parent.append(spec)
            flat.append(spec)
            if raw.get("children") is not None:
                walk(raw["children"], spec.path if own_parent is None else None, depth + 1, raw)

    walk(items, None, 1, {})
    by_path: dict[str, CodeSpec] = {}
    for spec in flat:
        if spec in placed_by_parent:
            continue
        if spec.path in by_path:
            problems.append(f"{label}, line {spec.line}: duplicate code “{spec.path}” (first at line {by_path[spec.path].line}); names must be unique among siblings.")
        by_path[spec.path] = spec
    # codes placed with `parent:` may refer to each other: resolve by name or path, find cycles
    by_name: dict[str, list[CodeSpec]] = {}
    for spec in flat:
        by_name.setdefault(spec.name, []).append(spec)
    parent_of: dict[int, CodeSpec | None] = {}
    for spec in placed_by_parent:
        ref = spec.parent_path
        target = by_path.get(ref) or (by_name.get(ref, [None])[0] if len(by_name.get(ref, [])) == 1 else None)
        if target is None:
            problems.append(f"{label}, line {spec.line}: code “{spec.name}” names parent “{names.visible(names.shorten(ref or '', 60))}”, "
                            "which is not in the codebook.")
        parent_of[id(spec)] = target
    # Each chain of `parent:` references is followed once (no recursion): a cycle is
    # reported once, and every code's depth is known before any path is built.
    depth_of: dict[int, int] = {}
    in_cycle: set[int] = set()
    for spec in placed_by_parent:
        chain, on_chain, node = [], set(), spec
        while node is not None and id(node) in parent_of and id(node) not in depth_of and id(node) not in in_cycle:
            if id(node) in on_chain:
                loop = chain[[id(n) for n in chain].index(id(node)):]
                shown = " → ".join(names.shorten(s.name, 40) for s in loop[:8] + [node])
                problems.append(f"{label}, line {node.line}: parent cycle: {shown}.")
                in_cycle.update(id(n) for n in chain)
                chain = []
                break
            on_chain.add(id(node))
            chain.append(node)
            node = parent_of[id(node)]
        if not chain:
            continue
        if node is None:
            base = 0
        elif id(node) in in_cycle:
            in_cycle.update(id(n) for n in chain)
            continue
        else:
            base = depth_of.get(id(node), node.path.count("/") + 1)
        for n in reversed(chain):
            base += 1
            depth_of[id(n)] = base
    deepest = max(depth_of.items(), key=lambda item: item[1], default=(None, 0))
    if deepest[1] > MAX_DEPTH:
        spec = next(s for s in placed_by_parent if id(s) == deepest[0])
        problems.append(f"{label}, line {spec.line}: code “{names.shorten(spec.name, 60)}” is placed {deepest[1]:,} levels deep "
                        f"by its `parent:` chain; a codebook holds at most {MAX_DEPTH} levels (codes placed more than {MAX_DEPTH} levels deep).")
    if not problems:
        # fix the paths of codes placed by `parent:` now that parents are known, parents first
        paths_of: dict[int, str] = {}
        for spec in sorted(placed_by_parent, key=lambda s: depth_of[id(s)]):
            target = parent_of[id(spec)]
            prefix = None if target is None else paths_of.get(id(target), target.path)
            spec.parent_path = prefix
            paths_of[id(spec)] = spec.path
        seen_paths: dict[str, CodeSpec] = {}
        for spec in flat:
            if spec.path in seen_paths and seen_paths[spec.path] is not spec:
                problems.append(f"{label}, line {spec.line}: duplicate code “{spec.path}” (also at line {seen_paths[spec.path].line}).")
            seen_paths[spec.path] = spec
        flat.sort(key=lambda s: s.path.count("/"))  # parents before children
    shortcuts: dict[str, CodeSpec] = {}
    for spec in flat:
        key = spec.fields["shortcut"].lower()
        if key:
            if key in shortcuts:
                problems.append(f"{label}, line {spec.line}: shortcut {_quote(key)} of “{spec.name}” is already used by “{shortcuts[key].name}”.")
            shortcuts[key] = spec
    if problems:
        raise _problems(label, problems)
    return flat


# --- the codebook in the database ----------------------------------------------------


def codes(db: sqlite_utils.Database) -> list[dict]:
    """All codes in tree order (parents before children, siblings by position), each with ``path`` and ``depth``."""
    rows = store.rows(db, "SELECT * FROM codes ORDER BY position, id")
    children: dict[int | None, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)
    out: list[dict] = []
    stack = [(row, "", 0) for row in reversed(children.get(None, []))]  # depth first without recursion: trees of any depth
    while stack:
        row, prefix, depth = stack.pop()
        row["path"] = f"{prefix}/{row['name']}" if prefix else row["name"]
        row["depth"] = depth
        out.append(row)
        stack.extend((child, row["path"], depth + 1) for child in reversed(children.get(row["id"], [])))
    return out


def paths(db: sqlite_utils.Database) -> dict[int, str]:
    """Code id -> ``Parent/Child`` path."""
    return {c["id"]: c["path"] for c in codes(db)}


def resolve(db: sqlite_utils.Database, code: int | str) -> dict:
    """A code by id, path (``Parent/Child``) or unique name."""
    key = str(code).strip()
    all_codes = codes(db)
    if isinstance(code, int) or key.isdigit():
        found = [c for c in all_codes if c["id"] == int(key)]
    else:
        wanted = "/".join(part.strip() for part in key.split("/"))
        found = [c for c in all_codes if c["path"] == wanted] or [c for c in all_codes if c["name"] == wanted]
    if not found:
        raise NotFound(f"No code “{code}” in the codebook (give a name or a path like Parent/Child).")
    if len(found) > 1:
        options = ", ".join(c["path"] for c in found)
        raise QualbenchError(f"Several codes are named “{code}” ({options}); give the path instead.")
    return found[0]


def descendants(db: sqlite_utils.Database, code_id: int) -> list[int]:
    """The code and every code below it."""
    result = store.rows(db, """
        WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT c.id FROM codes c JOIN tree t ON c.parent_id = t.id)
        SELECT id FROM tree""", [code_id])
    return [r["id"] for r in result]


@dataclass
class Change:
    """One line of a merge plan: ``action`` is add, update or keep."""

    action: str
    path: str
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if self.action == "update":
            fields = ", ".join(sorted(self.details))
            return f"update {self.path} ({fields})"
        if self.action == "keep":
            return f"keep {self.path} (not in the file; codes are never deleted by a load)"
        return f"{self.action} {self.path}"


def plan(db: sqlite_utils.Database, specs: list[CodeSpec]) -> list[Change]:
    """What loading ``specs`` would change: matched by path, nothing deleted."""
    existing = {c["path"]: c for c in codes(db)}
    changes = []
    for spec in specs:
        current = existing.get(spec.path)
        wanted = {k: v for k, v in spec.fields.items() if v}  # an empty field in the file erases nothing
        if current is None:
            changes.append(Change("add", spec.path))
            continue
        diff = {}
        for key, value in wanted.items():
            old = current.get(key) or ""
            if value != old:
                diff[key] = (old, value)
        if current["position"] != spec.position:
            diff["position"] = (current["position"], spec.position)
        if diff:
            changes.append(Change("update", spec.path, diff))
    wanted_paths = {s.path for s in specs}
    changes += [Change("keep", p) for p in existing if p not in wanted_paths]
    return changes


def load(db: sqlite_utils.Database, source: str | Path | bytes, *, who: str, name: str | None = None, dry_run: bool = False) -> list[Change]:
    """Validate a YAML (or .qdc) codebook and merge it into the project; returns the plan.

    Nothing is written when the file has any problem or when ``dry_run`` is set.
    """
    label = name or (Path(source).name if isinstance(source, (str, Path)) and "\n" not in str(source) else "codebook")
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source):
        store.refuse_project_file(db, source, what="a codebook")
    from .export import refi

    if refi.is_qdc(source, label):  # by the .qdc suffix, else by content (XML with a CodeBook)
        title, specs = refi.read_qdc(source, name=label)
    else:
        title, items, label = read_yaml(source, name=name)
        specs = parse_specs(items, label)
    changes = plan(db, specs)
    if dry_run:
        return changes
    final = {c["path"]: (c.get("shortcut") or "").lower() for c in codes(db)}
    final.update({sp.path: sp.fields["shortcut"].lower() for sp in specs if sp.fields["shortcut"]})
    owners: dict[str, list[str]] = {}
    for path, key in final.items():
        if key:
            owners.setdefault(key, []).append(path)
    clashes = [f"shortcut {key!r} would belong to both {' and '.join(p)}" for key, p in owners.items() if len(p) > 1]
    if clashes:
        raise CodebookProblem(f"{label}: " + "; ".join(clashes), clashes)
    with db.atomic():
        ids = {c["path"]: c["id"] for c in codes(db)}
        by_path = {s.path: s for s in specs}
        for i, change in enumerate(changes):
            spec = by_path.get(change.path)
            if change.action == "add":
                parent_id = ids.get(spec.parent_path) if spec.parent_path else None
                # a new code goes after the codes already under its parent, in the file's order
                last = store.rows(db, "SELECT max(position) AS p FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0)", [parent_id])[0]["p"]
                row = dict(spec.fields, name=spec.name, position=spec.position if last is None else max(spec.position, last + 1),
                           parent_id=parent_id)
                row["color"] = row["color"] or PALETTE[len(ids) % len(PALETTE)]
                row["shortcut"] = row["shortcut"] or None
                ids[spec.path] = db["codes"].insert(row).last_pk
                store.record(db, who=who, action="add", entity="code", entity_id=ids[spec.path], after=dict(row, path=spec.path))
            elif change.action == "update":
                new = {k: v[1] for k, v in change.details.items()}
                if "shortcut" in new:
                    new["shortcut"] = new["shortcut"] or None
                db["codes"].update(ids[spec.path], new)
                store.record(db, who=who, action="update", entity="code", entity_id=ids[spec.path],
                             before={k: v[0] for k, v in change.details.items()}, after=new)
        if title:
            db["project"].upsert({"key": "codebook_title", "value": title}, pk="key")
    return changes


# --- writing YAML -------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = ">" if len(value) > 72 and "\n" not in value and value == value.strip() else None
    if value.startswith("#"):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_tree(db: sqlite_utils.Database) -> list[dict]:
    """The codebook as nested dicts in the YAML format's key order."""
    all_codes = codes(db)
    nodes = {}
    roots = []
    for c in all_codes:
        node = {"name": c["name"], "color": c["color"]}
        if c.get("shortcut"):
            node["shortcut"] = c["shortcut"]
        for key in ("description", "inclusion", "exclusion", "example"):
            node[key] = c[key] or ""
        nodes[c["id"]] = node
        if c["parent_id"] is None:
            roots.append(node)
        else:
            nodes[c["parent_id"]].setdefault("children", []).append(node)
    return roots


def dump_yaml(db: sqlite_utils.Database) -> str:
    """The codebook in the ``codebook.yaml`` format; dumping what was loaded gives the same text.

    A tree deeper than a codebook file may hold (MAX_DEPTH levels) is refused with a
    QualbenchError: the file could not be loaded back, and YAML's writer would recurse
    past Python's limit on a very deep one. ``.qdc`` writes any depth.
    """
    all_codes = codes(db)
    deepest = max(all_codes, key=lambda c: c["depth"], default=None)
    if deepest is not None and deepest["depth"] + 1 > MAX_DEPTH:
        parts = deepest["path"].split("/")
        shown = "/".join(parts[:2]) + "/…/" + parts[-1] if len(parts) > 3 else deepest["path"]
        raise QualbenchError(f"The codebook is {deepest['depth'] + 1:,} levels deep (“{names.shorten(shown, 120)}”); a codebook.yaml holds "
                             f"at most {MAX_DEPTH} levels. Move codes up first, or write the codebook as .qdc.")
    title = store.get_setting(db, "codebook_title")
    header = "# Qualbench codebook. Format: see README, \"codebook.yaml\".\n"
    body = {"codebook": title, "codes": to_tree(db)} if title else {"codes": to_tree(db)}
    return header + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, indent=2)


def dump(db: sqlite_utils.Database, out: str | Path) -> Path:
    """Write the codebook to ``out``; the format follows the extension (.yaml/.yml, .qdc, .docx)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = dump_yaml(db).encode("utf-8")
    elif suffix == ".qdc":
        from .export import refi

        data = refi.codebook_qdc(db)
    elif suffix == ".docx":
        from .export import docx as docx_export

        data = docx_export.codebook_docx(db)
    else:
        raise QualbenchError(f"{out.name}: cannot write a codebook as {suffix or 'a file without extension'} (use .yaml, .qdc or .docx).")
    from .export import write_bytes

    return write_bytes(out, data)


def undo_event(db: sqlite_utils.Database, event: dict, *, who: str) -> str:
    """Reverse one codebook event (called by :func:`qualbench.coding.undo`)."""
    import json

    before = json.loads(event["before"]) if event["before"] else None
    after = json.loads(event["after"]) if event["after"] else None
    code_id = event["entity_id"]
    with db.atomic():
        if event["action"] == "add":
            used = store.rows(db, "SELECT (SELECT count(*) FROM codings WHERE code_id = :id) + (SELECT count(*) FROM codes WHERE parent_id = :id) AS n", {"id": code_id})
            if used[0]["n"]:
                raise UndoRefused("the code has codings or sub-codes since it was added; remove those first, or leave the code")
            db.execute("DELETE FROM codes WHERE id = ?", [code_id])
            what = f"removed the code “{after.get('path', after.get('name'))}” just added"
        elif event["action"] == "update":
            current = store.rows(db, "SELECT * FROM codes WHERE id = ?", [code_id])
            later = store.later_change(db, event)
            if not current:
                raise UndoRefused(f"the code has been deleted since{store.by_whom(later)}")
            if any(current[0].get(k) != v for k, v in after.items()) or later:
                raise UndoRefused(f"the code has been changed since{store.by_whom(later)}, and undoing would wipe that change")
            db["codes"].update(code_id, before)
            what = "reverted the code's change"
        elif event["action"] in ("move", "merge", "split", "delete", "memo"):
            what = _undo_edit(db, event, before, after)
        else:
            raise QualbenchError(f"Undoing a code's {event['action']} is not possible here.")
        store.record(db, who=who, action="undo", entity="code", entity_id=code_id, before=after, after=before, undoes=event["id"])
    return what


def add_code(
    db: sqlite_utils.Database,
    name: str,
    *,
    who: str,
    parent: int | str | None = None,
    color: str | None = None,
    **definition,
) -> int:
    """Add one code (under ``parent``, a name, path or id) at the end of its siblings; returns its id.

    ``definition`` may hold description, inclusion, exclusion, example, shortcut.
    """
    unknown = set(definition) - set(FIELDS)
    if unknown:
        raise QualbenchError(f"Unknown code field(s): {', '.join(sorted(unknown))}.")
    name = _clean_name(name)
    parent_row = resolve(db, parent) if parent is not None else None
    parent_id = parent_row["id"] if parent_row else None
    siblings = store.rows(db, "SELECT name, position FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0)", [parent_id])
    if any(s["name"] == name for s in siblings):
        where = f"under “{parent_row['path']}”" if parent_row else "at the top level"
        raise CodebookProblem(f"There is already a code “{name}” {where}.")
    color = color or PALETTE[len(codes(db)) % len(PALETTE)]
    if not COLOR.match(color):
        raise CodebookProblem(f"Bad colour {color!r} (use #RRGGBB, e.g. #c0392b).")
    shortcut = (definition.pop("shortcut", None) or "").strip() or None
    if shortcut and store.rows(db, "SELECT 1 FROM codes WHERE lower(shortcut) = lower(?)", [shortcut]):
        raise CodebookProblem(f"Shortcut {shortcut!r} is already used by another code.")
    row = {"name": name, "parent_id": parent_id, "color": color, "shortcut": shortcut,
           "position": max([s["position"] for s in siblings], default=-1) + 1,
           **{k: (definition.get(k) or "").strip() for k in ("description", "inclusion", "exclusion", "example")}}
    with db.atomic():
        code_id = db["codes"].insert(row).last_pk
        path = f"{parent_row['path']}/{name}" if parent_row else name
        store.record(db, who=who, action="add", entity="code", entity_id=code_id, after=dict(row, path=path))
    return code_id


# --- editing the codebook: update, move, merge, split, delete, code memos, counts -------
# Each operation validates first (raising a CodebookProblem/QualbenchError and writing
# nothing), then writes its change and one ``events`` row (entity "code") in a single
# transaction. The event's ``before`` holds what :func:`undo_event` needs to put the
# project back exactly as it was (same ids).

SAME_PARENT = object()  # move_code's default: stay under the current parent (only reorder)


def _row(db: sqlite_utils.Database, code_id: int) -> dict:
    """The code's stored row (no path or depth)."""
    found = store.rows(db, "SELECT * FROM codes WHERE id = ?", [code_id])
    if not found:
        raise NotFound(f"No code {code_id} in the codebook.")
    return found[0]


def _clean_name(name: str | None) -> str:
    """A code's name, whitespace collapsed, checked as :func:`qualbench.names.name_problem` checks names, without "/"."""
    clean = names.collapse(name or "")
    if not clean:
        raise CodebookProblem("A code needs a name.")
    problem = names.name_problem(clean, what="The code name")
    if problem:
        raise CodebookProblem(problem + (" Put the rest in the description." if len(clean) > names.NAME_LIMIT else ""))
    if "/" in clean:
        raise CodebookProblem(f"Code name “{clean}” contains “/”, which separates parent and child in paths.")
    return clean


def _where(db: sqlite_utils.Database, parent_id: int | None) -> str:
    return f"under “{paths(db)[parent_id]}”" if parent_id is not None else "at the top level"


def _check_free_name(db: sqlite_utils.Database, name: str, parent_id: int | None, *, exclude: int | None = None) -> None:
    clash = store.rows(db, "SELECT id FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) AND name = ? AND id != ifnull(?, -1)",
                       [parent_id, name, exclude])
    if clash:
        raise CodebookProblem(f"There is already a code “{name}” {_where(db, parent_id)}.")


def _siblings(db: sqlite_utils.Database, parent_id: int | None, *, exclude: int | None = None) -> list[dict]:
    return store.rows(db, "SELECT id, position FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) AND id != ifnull(?, -1) ORDER BY position, id",
                      [parent_id, exclude])


def update_code(
    db: sqlite_utils.Database,
    code: int | str,
    *,
    who: str,
    name: str | None = None,
    color: str | None = None,
    description: str | None = None,
    inclusion: str | None = None,
    exclusion: str | None = None,
    example: str | None = None,
    shortcut: str | None = None,
) -> dict:
    """Rename, recolour or edit a code's definitions or shortcut; returns the code's new row.

    ``None`` leaves a field as it is; ``shortcut=""`` removes the shortcut. A new name
    has no "/" and is unique among the code's siblings; a colour is #RRGGBB; a
    shortcut is one key that no other code uses.
    """
    current = resolve(db, code)
    row = _row(db, current["id"])
    wanted: dict = {}
    if name is not None:
        wanted["name"] = _clean_name(name)
        if wanted["name"] != row["name"]:
            _check_free_name(db, wanted["name"], row["parent_id"], exclude=row["id"])
    if color is not None:
        color = color.strip()
        if not COLOR.match(color):
            raise CodebookProblem(f"Bad colour {color!r} for “{current['path']}” (use #RRGGBB, e.g. #c0392b).")
        wanted["color"] = color
    for key, value in (("description", description), ("inclusion", inclusion), ("exclusion", exclusion), ("example", example)):
        if value is not None:
            wanted[key] = str(value).strip()
    if shortcut is not None:
        key = str(shortcut).strip() or None
        if key is not None:
            if len(key) != 1:
                raise CodebookProblem(f"Shortcut {key!r} for “{current['path']}”: a shortcut is one key.")
            owner = store.rows(db, "SELECT id FROM codes WHERE lower(shortcut) = lower(?) AND id != ?", [key, row["id"]])
            if owner:
                raise CodebookProblem(f"Shortcut {key!r} is already used by “{paths(db)[owner[0]['id']]}”.")
        wanted["shortcut"] = key
    changes = {k: v for k, v in wanted.items() if v != row[k]}
    if not changes:
        return row
    with db.atomic():
        db["codes"].update(row["id"], changes)
        store.record(db, who=who, action="update", entity="code", entity_id=row["id"],
                     before={k: row[k] for k in changes}, after=changes)
    return _row(db, row["id"])


def move_code(
    db: sqlite_utils.Database,
    code: int | str,
    *,
    who: str,
    parent: int | str | None = SAME_PARENT,  # type: ignore[assignment]
    position: int | None = None,
) -> dict:
    """Move a code under another parent (``parent=None``: to the top level) and/or reorder it.

    ``position`` is the 0-based index among its new siblings (None: at the end when the
    parent changes, where it is when it does not). Without ``parent`` the code stays
    under its parent and is only reordered. The siblings' positions are renumbered
    0, 1, 2, ... A move under the code itself or one of its descendants, and a move
    next to a sibling of the same name, are refused. Returns the code's new row.
    """
    current = resolve(db, code)
    row = _row(db, current["id"])
    if parent is SAME_PARENT:
        new_parent = row["parent_id"]
    elif parent is None:
        new_parent = None
    else:
        target = resolve(db, parent)
        if target["id"] in descendants(db, row["id"]):
            what = "itself" if target["id"] == row["id"] else f"its own descendant “{target['path']}”"
            raise CodebookProblem(f"“{current['path']}” cannot be moved under {what}: the codebook would loop.")
        new_parent = target["id"]
    if position is not None and (not isinstance(position, int) or isinstance(position, bool) or position < 0):
        raise CodebookProblem(f"Position {position!r}: give a whole number from 0 (first) upwards.")
    if new_parent != row["parent_id"]:
        _check_free_name(db, row["name"], new_parent, exclude=row["id"])
    others = [s["id"] for s in _siblings(db, new_parent, exclude=row["id"])]
    if position is None:
        if new_parent == row["parent_id"]:
            position = [s["id"] for s in _siblings(db, new_parent)].index(row["id"])
        else:
            position = len(others)
    order = others[:position] + [row["id"]] + others[position:]
    affected = _siblings(db, new_parent)
    if new_parent != row["parent_id"]:
        affected += _siblings(db, row["parent_id"])
    before = {"parent_id": row["parent_id"], "positions": {str(s["id"]): s["position"] for s in affected}}
    new_positions = {str(cid): i for i, cid in enumerate(order)}
    if new_parent != row["parent_id"]:
        new_positions.update({str(cid): i for i, cid in enumerate(s["id"] for s in _siblings(db, row["parent_id"], exclude=row["id"]))})
    for s in affected:
        new_positions.setdefault(str(s["id"]), s["position"])
    after = {"parent_id": new_parent, "positions": new_positions}
    if before == after:
        return row
    with db.atomic():
        db["codes"].update(row["id"], {"parent_id": new_parent})
        for cid, pos in new_positions.items():
            db.execute("UPDATE codes SET position = ? WHERE id = ?", [pos, int(cid)])
        store.record(db, who=who, action="move", entity="code", entity_id=row["id"], before=before, after=after)
    return _row(db, row["id"])


def merge_codes(db: sqlite_utils.Database, source: int | str, target: int | str, *, who: str) -> dict:
    """Merge ``source`` into ``target``: its codings, child codes and code memos move to the target.

    A moved coding identical to one of the target's (same document, start, end and
    coder) collapses into the target's coding, which keeps both memos (joined) and the
    coding memos of both. The source is then deleted. Refused: merging a code into
    itself or into one of its descendants, and child codes whose names the target's
    children already use. Returns counts: moved, collapsed, children, memos.
    """
    src, dst = resolve(db, source), resolve(db, target)
    if src["id"] == dst["id"]:
        raise CodebookProblem(f"“{src['path']}” cannot be merged into itself.")
    if dst["id"] in descendants(db, src["id"]):
        raise CodebookProblem(f"“{src['path']}” cannot be merged into its own descendant “{dst['path']}”; move that code out first.")
    children = store.rows(db, "SELECT id, name, parent_id, position FROM codes WHERE parent_id = ? ORDER BY position, id", [src["id"]])
    taken = {r["name"] for r in store.rows(db, "SELECT name FROM codes WHERE parent_id = ? AND id != ?", [dst["id"], src["id"]])}
    clashes = [c["name"] for c in children if c["name"] in taken]
    if clashes:
        raise CodebookProblem(f"Cannot merge “{src['path']}” into “{dst['path']}”: both have child codes named "
                              + ", ".join(f"“{n}”" for n in clashes) + "; rename or merge those first.")
    source_row = _row(db, src["id"])
    duplicates = store.rows(db, """
        SELECT s.*, t.id AS kept_id, t.memo AS kept_memo FROM codings s
        JOIN codings t ON t.code_id = :target AND t.document_id = s.document_id AND t.start = s.start
                      AND t."end" = s."end" AND t.coder = s.coder
        WHERE s.code_id = :source ORDER BY s.id""", {"source": src["id"], "target": dst["id"]})
    collapsed = [{k: v for k, v in d.items() if k not in ("kept_id", "kept_memo")} for d in duplicates]
    collapsed_ids = [d["id"] for d in duplicates]
    moved = [r["id"] for r in store.rows(db, "SELECT id FROM codings WHERE code_id = ? ORDER BY id", [src["id"]]) if r["id"] not in set(collapsed_ids)]
    kept_memos: dict[str, str] = {}
    new_memos: dict[int, str] = {}
    for d in duplicates:
        base = new_memos.get(d["kept_id"], d["kept_memo"])
        if d["memo"] and d["memo"] not in base.split("\n\n"):
            kept_memos.setdefault(str(d["kept_id"]), d["kept_memo"])
            new_memos[d["kept_id"]] = f"{base}\n\n{d['memo']}" if base else d["memo"]
    coding_memos = store.rows(db, f"SELECT id, target_id FROM memos WHERE target_type = 'coding' AND target_id IN ({','.join('?' * len(collapsed_ids))})",
                              collapsed_ids) if collapsed_ids else []
    kept_for = {d["id"]: d["kept_id"] for d in duplicates}
    code_memos = [r["id"] for r in store.rows(db, "SELECT id FROM memos WHERE target_type = 'code' AND target_id = ? ORDER BY id", [src["id"]])]
    before = {"source": source_row, "target_id": dst["id"], "moved": moved, "collapsed": collapsed, "kept_memos": kept_memos,
              "children": {str(c["id"]): c["position"] for c in children}, "code_memos": code_memos,
              "coding_memos": {str(m["id"]): m["target_id"] for m in coding_memos}}
    after = {"target_id": dst["id"], "target": dst["path"], "moved": len(moved), "collapsed": len(collapsed),
             "children": len(children), "memos": len(code_memos)}
    with db.atomic():
        start = max([s["position"] for s in _siblings(db, dst["id"], exclude=src["id"])], default=-1) + 1
        for i, child in enumerate(children):
            db.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?", [dst["id"], start + i, child["id"]])
        for m in coding_memos:
            db.execute("UPDATE memos SET target_id = ? WHERE id = ?", [kept_for[m["target_id"]], m["id"]])
        for kept_id, memo in new_memos.items():
            db.execute("UPDATE codings SET memo = ? WHERE id = ?", [memo, kept_id])
        if collapsed_ids:
            db.execute(f"DELETE FROM codings WHERE id IN ({','.join('?' * len(collapsed_ids))})", collapsed_ids)
        db.execute("UPDATE codings SET code_id = ? WHERE code_id = ?", [dst["id"], src["id"]])
        db.execute("UPDATE memos SET target_id = ? WHERE target_type = 'code' AND target_id = ?", [dst["id"], src["id"]])
        db.execute("DELETE FROM codes WHERE id = ?", [src["id"]])
        store.record(db, who=who, action="merge", entity="code", entity_id=src["id"], before=before, after=after)
    return {k: after[k] for k in ("moved", "collapsed", "children", "memos")}


def split_code(
    db: sqlite_utils.Database,
    code: int | str,
    coding_ids: list[int],
    *,
    who: str,
    new_name: str,
    color: str | None = None,
) -> int:
    """Split off some of a code's codings into a new sibling code named ``new_name``; returns its id."""
    current = resolve(db, code)
    row = _row(db, current["id"])
    ids = sorted({int(i) for i in coding_ids or []})
    if not ids:
        raise CodebookProblem(f"Choose at least one coding of “{current['path']}” to split off.")
    name = _clean_name(new_name)
    _check_free_name(db, name, row["parent_id"])
    found = {r["id"]: r["code_id"] for r in store.rows(db, f"SELECT id, code_id FROM codings WHERE id IN ({','.join('?' * len(ids))})", ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No coding(s) {', '.join(map(str, missing))} in this project.")
    foreign = [i for i in ids if found[i] != row["id"]]
    if foreign:
        raise CodebookProblem(f"Coding(s) {', '.join(map(str, foreign))} do not belong to “{current['path']}”; only its own codings can be split off.")
    color = (color or "").strip() or PALETTE[len(codes(db)) % len(PALETTE)]
    if not COLOR.match(color):
        raise CodebookProblem(f"Bad colour {color!r} (use #RRGGBB, e.g. #c0392b).")
    new_row = {"name": name, "parent_id": row["parent_id"], "color": color, "shortcut": None,
               "description": "", "inclusion": "", "exclusion": "", "example": "",
               "position": max([s["position"] for s in _siblings(db, row["parent_id"])], default=-1) + 1}
    with db.atomic():
        new_id = db["codes"].insert(new_row).last_pk
        db.execute(f"UPDATE codings SET code_id = ? WHERE id IN ({','.join('?' * len(ids))})", [new_id, *ids])
        store.record(db, who=who, action="split", entity="code", entity_id=new_id,
                     before={"code_id": row["id"], "codings": ids}, after={"code": dict(new_row, id=new_id), "codings": ids})
    return new_id


def delete_code(db: sqlite_utils.Database, code: int | str, *, force: bool = False, who: str) -> dict:
    """Delete a code with its descendants, their codings and the memos on them; returns counts.

    A code that has codings or child codes is refused (the message says how many)
    unless ``force`` is set. Everything deleted is kept in the event, so undo puts it
    back with the same ids.
    """
    current = resolve(db, code)
    tree = [c for c in codes(db) if c["id"] in set(descendants(db, current["id"]))]  # parents first
    tree_ids = [c["id"] for c in tree]
    marks = ",".join("?" * len(tree_ids))
    coding_rows = store.rows(db, f"SELECT * FROM codings WHERE code_id IN ({marks}) ORDER BY id", tree_ids)
    if (coding_rows or len(tree) > 1) and not force:
        own = sum(r["code_id"] == current["id"] for r in coding_rows)
        below = f" with {len(coding_rows) - own} coding(s) of their own" if len(coding_rows) > own else ""
        raise QualbenchError(f"“{current['path']}” has {own} coding(s) and {len(tree) - 1} child code(s){below}; "
                             "delete with force to remove them all (undo can bring them back), or merge the code instead.")
    coding_ids = [r["id"] for r in coding_rows]
    memo_rows = store.rows(db, f"SELECT * FROM memos WHERE target_type = 'code' AND target_id IN ({marks}) ORDER BY id", tree_ids)
    if coding_ids:
        memo_rows += store.rows(db, f"SELECT * FROM memos WHERE target_type = 'coding' AND target_id IN ({','.join('?' * len(coding_ids))}) ORDER BY id", coding_ids)
    code_rows = [_row(db, cid) for cid in tree_ids]
    before = {"codes": code_rows, "codings": coding_rows, "memos": memo_rows}
    summary = {"codes": len(code_rows), "codings": len(coding_rows), "memos": len(memo_rows)}
    with db.atomic():
        for m in memo_rows:
            db.execute("DELETE FROM memos WHERE id = ?", [m["id"]])
        db.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", tree_ids)
        for cid in reversed(tree_ids):  # children before parents
            db.execute("DELETE FROM codes WHERE id = ?", [cid])
        store.record(db, who=who, action="delete", entity="code", entity_id=current["id"], before=before,
                     after=dict(summary, path=current["path"]))
    return summary


def add_code_memo(db: sqlite_utils.Database, code: int | str, text: str, *, who: str) -> int:
    """Add a dated memo entry on a code; returns the memo's id. A code's memo grows entry by entry."""
    current = resolve(db, code)
    clean = (text or "").strip()
    if not clean:
        raise QualbenchError(f"The memo on “{current['path']}” is empty; write something first.")
    author = " ".join((who or "").split()) or "unknown"
    row = {"target_type": "code", "target_id": current["id"], "author": author, "text": clean, "created_at": store.now()}
    with db.atomic():
        memo_id = db["memos"].insert(row).last_pk
        store.record(db, who=who, action="memo", entity="code", entity_id=current["id"], after=dict(row, id=memo_id))
    return memo_id


def code_memos(db: sqlite_utils.Database, code: int | str) -> list[dict]:
    """A code's memo entries, newest first: id, text, author, created_at."""
    current = resolve(db, code)
    return store.rows(db, "SELECT id, text, author, created_at FROM memos WHERE target_type = 'code' AND target_id = ? "
                          "ORDER BY created_at DESC, id DESC", [current["id"]])


def counts(db: sqlite_utils.Database):
    """Per code, in codebook order: id, path, depth, codings, documents, codings_total, documents_total.

    The ``_total`` columns roll up the code and all its descendants (documents_total
    counts distinct documents).
    """
    import pandas as pd

    columns = ["id", "path", "depth", "codings", "documents", "codings_total", "documents_total"]
    tallies = store.rows(db, """
        WITH RECURSIVE tree(ancestor, id) AS (
            SELECT id, id FROM codes
            UNION ALL SELECT t.ancestor, c.id FROM codes c JOIN tree t ON c.parent_id = t.id)
        SELECT t.ancestor AS id,
               count(CASE WHEN k.code_id = t.ancestor THEN k.id END) AS codings,
               count(DISTINCT CASE WHEN k.code_id = t.ancestor THEN k.document_id END) AS documents,
               count(k.id) AS codings_total,
               count(DISTINCT k.document_id) AS documents_total
        FROM tree t LEFT JOIN codings k ON k.code_id = t.id
        GROUP BY t.ancestor""")
    by_id = {r["id"]: r for r in tallies}
    zero = {"codings": 0, "documents": 0, "codings_total": 0, "documents_total": 0}
    out = [{"id": c["id"], "path": c["path"], "depth": c["depth"], **{k: by_id.get(c["id"], zero)[k] for k in zero}}
           for c in codes(db)]
    return pd.DataFrame(out, columns=columns).astype({k: "int64" for k in ("id", "depth", *zero)})


# --- undoing the editing operations (called from undo_event) ---------------------------


def _undo_edit(db: sqlite_utils.Database, event: dict, before, after) -> str:
    """Reverse a move, merge, split, delete or memo event; runs inside undo_event's transaction."""
    import sqlite3

    action, code_id = event["action"], event["entity_id"]
    try:
        if action == "move":
            db["codes"].update(code_id, {"parent_id": before["parent_id"]})
            for cid, pos in before["positions"].items():
                db.execute("UPDATE codes SET position = ? WHERE id = ?", [pos, int(cid)])
            return "moved the code back"
        if action == "merge":
            if not store.rows(db, "SELECT 1 FROM codes WHERE id = ?", [before["target_id"]]):
                raise QualbenchError("The code merged into no longer exists; the merge cannot be undone.")
            db["codes"].insert(before["source"])
            for cid, pos in before["children"].items():
                db.execute("UPDATE codes SET parent_id = ?, position = ? WHERE id = ?", [code_id, pos, int(cid)])
            if before["moved"]:
                db.execute(f"UPDATE codings SET code_id = ? WHERE id IN ({','.join('?' * len(before['moved']))})", [code_id, *before["moved"]])
            for kept_id, memo in before["kept_memos"].items():
                db.execute("UPDATE codings SET memo = ? WHERE id = ?", [memo, int(kept_id)])
            if before["collapsed"]:
                db["codings"].insert_all(before["collapsed"])
            for memo_id, target_id in before["coding_memos"].items():
                db.execute("UPDATE memos SET target_id = ? WHERE id = ?", [target_id, int(memo_id)])
            for memo_id in before["code_memos"]:
                db.execute("UPDATE memos SET target_id = ? WHERE id = ?", [code_id, memo_id])
            return f"split “{before['source']['name']}” out of “{after['target']}” again"
        if action == "split":
            others = store.rows(db, f"""SELECT (SELECT count(*) FROM codings WHERE code_id = :id AND id NOT IN ({','.join(map(str, before['codings']))}))
                                          + (SELECT count(*) FROM codes WHERE parent_id = :id)
                                          + (SELECT count(*) FROM memos WHERE target_type = 'code' AND target_id = :id) AS n""", {"id": code_id})
            if others[0]["n"]:
                raise QualbenchError("The code split off has since got other codings, children or memos; the split cannot be undone.")
            db.execute(f"UPDATE codings SET code_id = ? WHERE id IN ({','.join('?' * len(before['codings']))})", [before["code_id"], *before["codings"]])
            db.execute("DELETE FROM codes WHERE id = ?", [code_id])
            return f"put the {len(before['codings'])} coding(s) back and removed the code split off"
        if action == "delete":
            for row in before["codes"]:  # parents first
                db["codes"].insert(row)
            if before["codings"]:
                db["codings"].insert_all(before["codings"])
            if before["memos"]:
                db["memos"].insert_all(before["memos"])
            return f"restored the code “{after['path']}” ({after['codes']} code(s), {after['codings']} coding(s))"
        if action == "memo":
            db.execute("DELETE FROM memos WHERE id = ?", [after["id"]])
            return "removed the code memo just written"
    except sqlite3.IntegrityError as exc:
        raise QualbenchError(f"Undoing this {action} would clash with later changes to the codebook ({exc}).") from exc
    raise QualbenchError(f"Undoing a code's {action} is not possible here.")
