// Qualbench text-coding component (Streamlit Custom Components v2, no build step).
//
// Python sends `data`: the document as turns, each turn as segments [start, text, [coding indexes]]
// already split at every coding boundary, plus the codings (id, start, end, code, colour, coder).
// Offsets in `data` and in everything sent back are Python code points; the browser's UTF-16
// units are converted here, at the edge, and nowhere else. Document text only ever becomes
// text nodes (createTextNode), never markup.
//
// Sent back: state `selection` {document, start, end} (or null), triggers `clicked`
// {ids, offset} (a highlight or margin bracket was clicked) and `shortcut` {key, start, end}.
// Streamlit calls this function again on every data change without a cleanup, so the
// DOM and listeners are made once per host element and kept in INSTANCES.

const INSTANCES = new WeakMap();
// The reader's place outlives a host element: when a rerun redraws the page around it,
// Streamlit may mount the component afresh, and the new instance picks up from here.
const PLACE = { documentId: null, scrollTop: 0, sel: null };
const LANE = 7;          // px between brackets in the code margin
const MAX_LANES = 8;

export default function (component) {
  const { data, parentElement } = component;
  let inst = INSTANCES.get(parentElement);
  if (!inst) {
    inst = setup(parentElement);
    INSTANCES.set(parentElement, inst);
  }
  inst.setStateValue = component.setStateValue;
  inst.setTriggerValue = component.setTriggerValue;
  render(inst, data || {});
}

// --- code points <-> UTF-16 -------------------------------------------------------------

function isHigh(c) { return c >= 0xd800 && c <= 0xdbff; }

// Code points in str.slice(0, units); an edge inside a surrogate pair rounds outward:
// down for a selection's start, up for its end.
export function codePoints(str, units, roundUp) {
  let n = 0;
  for (let i = 0; i < units; i++) {
    if (isHigh(str.charCodeAt(i)) && i + 1 < str.length) {
      if (i + 1 < units || roundUp) n++;
      i++;
    } else {
      n++;
    }
  }
  return n;
}

// UTF-16 units covering the first `points` code points of str.
function units(str, points) {
  let i = 0;
  for (let n = 0; n < points && i < str.length; n++) i += isHigh(str.charCodeAt(i)) && i + 1 < str.length ? 2 : 1;
  return i;
}

function cpLength(str) { return codePoints(str, str.length, true); }

// --- set-up --------------------------------------------------------------------------------

function setup(host) {
  const root = document.createElement("div");
  root.className = "qb-coder";
  const scroller = document.createElement("div");
  scroller.className = "qb-scroll";
  scroller.tabIndex = 0;
  scroller.setAttribute("role", "document");
  scroller.setAttribute("aria-label", "Document text: select a passage to code it");
  const doc = document.createElement("div");
  doc.className = "qb-doc";
  scroller.appendChild(doc);
  root.appendChild(scroller);
  host.appendChild(root);

  const inst = { host, root, scroller, doc, segs: [], codings: [], version: null, documentId: null,
                 sel: null, focus: null, shortcuts: {}, dirty: new Set(), timer: null };

  inst.observer = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting && inst.dirty.has(e.target)) drawMargin(inst, e.target);
  }, { root: scroller, rootMargin: "600px 0px" });
  new ResizeObserver(() => markAllDirty(inst)).observe(doc);

  const report = () => { clearTimeout(inst.timer); inst.timer = setTimeout(() => reportSelection(inst), 120); };
  scroller.addEventListener("mouseup", report);
  scroller.addEventListener("keyup", (e) => { if (e.shiftKey || e.key.startsWith("Arrow") || e.key === "Shift") report(); });
  document.addEventListener("selectionchange", () => {
    const s = document.getSelection();
    if (s && s.rangeCount && scroller.contains(s.anchorNode)) report();
  });
  // A press inside the (restored) selection would start dragging that text in Chromium;
  // a researcher pressing there means to select anew, so the old selection goes first.
  scroller.addEventListener("mousedown", (e) => {
    const s = document.getSelection();
    if (e.button === 0 && !e.shiftKey && s && !s.isCollapsed) s.removeAllRanges();
  }, true);
  scroller.addEventListener("dragstart", (e) => e.preventDefault());
  scroller.addEventListener("click", (e) => onClick(inst, e));
  scroller.addEventListener("scroll", () => { if (inst.documentId === PLACE.documentId) PLACE.scrollTop = scroller.scrollTop; }, { passive: true });
  document.addEventListener("keydown", (e) => onKey(inst, e));
  return inst;
}

// --- drawing --------------------------------------------------------------------------------

function render(inst, data) {
  inst.shortcuts = data.shortcuts || {};
  inst.scroller.style.height = (data.height || 640) + "px";
  if (inst.documentId === null && PLACE.documentId === data.document_id) {
    // a fresh mount of the document being read: take up the reader's place
    inst.documentId = data.document_id;
    inst.sel = PLACE.sel;
    inst.focus = PLACE.focus === undefined ? null : PLACE.focus;
    inst.restoreTop = PLACE.scrollTop;
  }
  const sameDocument = inst.documentId === data.document_id;
  if (data.version !== inst.version) {
    const top = inst.restoreTop != null ? inst.restoreTop : inst.scroller.scrollTop;
    inst.restoreTop = null;
    build(inst, data);
    inst.version = data.version;
    if (sameDocument) {
      inst.scroller.scrollTop = top;
      if (inst.sel) restoreSelection(inst, inst.sel.start, inst.sel.end);
    } else {
      inst.sel = null;
      inst.focus = null;
      inst.scroller.scrollTop = 0;
      hold(inst);
    }
    inst.documentId = data.document_id;
    PLACE.documentId = data.document_id;
    PLACE.scrollTop = inst.scroller.scrollTop;
    PLACE.sel = inst.sel;
  }
  const focus = data.focus == null ? null : data.focus;
  if (focus !== inst.focus) {
    inst.focus = focus;
    PLACE.focus = focus;
    for (const t of inst.doc.querySelectorAll(".qb-turn.qb-focus")) t.classList.remove("qb-focus");
    if (focus != null) {
      const turn = inst.doc.querySelector(`.qb-turn[data-i="${Number(focus)}"]`);
      if (turn) {
        turn.classList.add("qb-focus");
        inst.scroller.scrollTop = turn.offsetTop - inst.scroller.clientHeight / 3;
      }
    }
  }
}

function tint(color, alpha) { return /^#[0-9a-fA-F]{6}$/.test(color) ? color + alpha : "transparent"; }

function build(inst, data) {
  const codings = data.codings || [];
  inst.codings = codings;
  inst.segs = [];
  inst.dirty.clear();
  inst.observer.disconnect();
  const frag = document.createDocumentFragment();
  for (const turn of data.turns || []) {
    const el = document.createElement("div");
    el.className = turn.i === inst.focus ? "qb-turn qb-focus" : "qb-turn";
    el.dataset.i = turn.i;
    el.dataset.s = turn.start;
    el.dataset.e = turn.end;
    const margin = document.createElement("div");
    margin.className = "qb-margin";
    const body = document.createElement("div");
    body.className = "qb-body";
    if (turn.label) {
      const label = document.createElement("div");
      label.className = "qb-label";
      label.appendChild(document.createTextNode(turn.label));
      body.appendChild(label);
    }
    const text = document.createElement("div");
    text.className = "qb-text";
    const inTurn = new Set();
    for (const [start, piece, on] of turn.segs) {
      const span = document.createElement("span");
      span.className = "qb-seg";
      span.dataset.s = start;
      const node = document.createTextNode(piece);
      span.appendChild(node);
      const len = cpLength(piece);
      if (on.length) {
        on.forEach((k) => inTurn.add(k));
        span.dataset.c = on.join(",");
        span.classList.add(on.length >= 3 ? "qb-many" : "qb-coded");
        const colours = on.map((k) => codings[k].color);
        span.style.backgroundColor = tint(colours[colours.length - 1], on.length >= 3 ? "18" : "2b");
        span.style.boxShadow = colours.slice(0, 2).map((c, j) => `inset 0 -${3 * (j + 1)}px 0 ${tint(c, "")}`).join(", ");
        span.title = on.map((k) => `${codings[k].code} (${codings[k].coder})`).join("\n");
      }
      text.appendChild(span);
      inst.segs.push({ s: start, len, node, el: span });
    }
    el._codings = [...inTurn];
    body.appendChild(text);
    el.appendChild(margin);
    el.appendChild(body);
    frag.appendChild(el);
  }
  inst.doc.replaceChildren(frag);
  inst.doc.dataset.codings = codings.length;   // for tests and bench/coding_page.py: what is drawn
  inst.doc.dataset.version = data.version;
  for (const el of inst.doc.children) {
    if (el._codings.length) {
      inst.dirty.add(el);
      inst.observer.observe(el);
    }
  }
}

function markAllDirty(inst) {
  for (const el of inst.doc.children) {
    if (el._codings && el._codings.length) {
      inst.dirty.add(el);
      inst.observer.unobserve(el);
      inst.observer.observe(el);   // re-deliver the current intersection
    }
  }
}

// One bracket per coding beside the lines it covers, in lanes so that overlapping codings
// stand side by side (MAXQDA's code margin, NVivo's coding stripes).
function drawMargin(inst, turnEl) {
  inst.dirty.delete(turnEl);
  const margin = turnEl.firstChild;
  const spans = turnEl.querySelectorAll(".qb-seg[data-c]");
  const extent = new Map();
  for (const span of spans) {
    for (const k of span.dataset.c.split(",")) {
      const e = extent.get(k);
      if (e) e.last = span; else extent.set(k, { first: span, last: span });
    }
  }
  const base = turnEl.getBoundingClientRect().top;
  const range = document.createRange();
  const items = [];
  for (const [k, { first, last }] of extent) {
    range.setStart(first.firstChild, 0);
    range.setEnd(last.firstChild, last.firstChild.length);
    const rects = range.getClientRects();
    if (!rects.length) continue;
    items.push({ k: Number(k), top: rects[0].top - base, bottom: rects[rects.length - 1].bottom - base });
  }
  items.sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  const lanes = [];
  const out = document.createDocumentFragment();
  for (const it of items) {
    let lane = lanes.findIndex((bottom) => bottom <= it.top + 1);
    if (lane < 0) { lane = lanes.length; lanes.push(0); }
    lanes[lane] = it.bottom;
    const c = inst.codings[it.k];
    const b = document.createElement("div");
    b.className = "qb-bracket";
    b.dataset.id = c.id;
    b.style.top = it.top + 2 + "px";
    b.style.height = Math.max(6, it.bottom - it.top - 4) + "px";
    b.style.right = Math.min(lane, MAX_LANES - 1) * LANE + 4 + "px";
    b.style.borderColor = tint(c.color, "");
    b.title = `${c.code} (${c.coder})${c.memo ? "\n" + c.memo : ""}`;
    out.appendChild(b);
  }
  margin.replaceChildren(out);
}

// --- selection ----------------------------------------------------------------------------

function segAt(inst, offset) {
  // the last segment starting at or before offset (binary search; segs are in text order)
  let lo = 0, hi = inst.segs.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (inst.segs[mid].s <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found < 0 ? null : inst.segs[found];
}

// A DOM boundary point as a Python offset. Inside a segment's text node: its start plus the
// code points before the point; anywhere else (a label, between elements): the nearest segment.
function boundary(inst, node, offset, isEnd) {
  if (node.nodeType === Node.TEXT_NODE && node.parentElement && node.parentElement.classList.contains("qb-seg")) {
    return Number(node.parentElement.dataset.s) + codePoints(node.data, offset, isEnd);
  }
  const probe = document.createRange();
  probe.setStart(node, offset);
  if (!isEnd) {
    for (const seg of inst.segs) if (probe.comparePoint(seg.el, 0) >= 0) return seg.s;
    return null;
  }
  let last = null;
  for (const seg of inst.segs) {
    if (probe.comparePoint(seg.el, 0) < 0) last = seg; else break;
  }
  return last ? last.s + last.len : null;
}

function currentSelection(inst) {
  const s = document.getSelection();
  if (!s || !s.rangeCount) return null;
  const r = s.getRangeAt(0);
  if (r.collapsed || !inst.doc.contains(r.commonAncestorContainer) && !r.intersectsNode(inst.doc)) return null;
  const clipped = r.cloneRange();
  if (!inst.doc.contains(r.startContainer)) clipped.setStart(inst.doc, 0);
  if (!inst.doc.contains(r.endContainer)) clipped.setEnd(inst.doc, inst.doc.childNodes.length);
  const start = boundary(inst, clipped.startContainer, clipped.startOffset, false);
  const end = boundary(inst, clipped.endContainer, clipped.endOffset, true);
  if (start == null || end == null || start >= end) return null;
  return { start, end };
}

function reportSelection(inst) {
  const now = currentSelection(inst);
  const same = (a, b) => (a && b ? a.start === b.start && a.end === b.end : a === b);
  if (same(now, inst.sel)) return;
  inst.sel = now;
  PLACE.sel = now;
  hold(inst);
  inst.setStateValue("selection", now ? { document: inst.documentId, start: now.start, end: now.end } : null);
}

function rangeOf(inst, start, end) {
  const a = segAt(inst, start), b = segAt(inst, end - 1);
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a.node, units(a.node.data, start - a.s));
  range.setEnd(b.node, units(b.node.data, end - b.s));
  return range;
}

// The selection Python holds stays painted (CSS Custom Highlight API) when clicking a code
// button or a rerun takes the browser's own selection away.
function hold(inst) {
  if (!window.CSS || !CSS.highlights) return;
  const range = inst.sel && rangeOf(inst, inst.sel.start, inst.sel.end);
  if (range) CSS.highlights.set("qb-held", new Highlight(range)); else CSS.highlights.delete("qb-held");
}

function restoreSelection(inst, start, end) {
  const range = rangeOf(inst, start, end);
  hold(inst);
  if (!range) return;
  const s = document.getSelection();
  s.removeAllRanges();
  s.addRange(range);
}

// --- clicks and keys ----------------------------------------------------------------------

function onClick(inst, e) {
  const s = document.getSelection();
  if (s && !s.isCollapsed) return;  // the end of a drag, not a click
  const bracket = e.target.closest(".qb-bracket");
  if (bracket) {
    const c = inst.codings.find((x) => String(x.id) === bracket.dataset.id);
    inst.setTriggerValue("clicked", { ids: [Number(bracket.dataset.id)], offset: c ? c.start : null });
    return;
  }
  const span = e.target.closest(".qb-seg[data-c]");
  if (span) {
    const ids = span.dataset.c.split(",").map((k) => inst.codings[Number(k)].id);
    inst.setTriggerValue("clicked", { ids, offset: Number(span.dataset.s) });
  }
}

// Keyboard selection in static text: Chromium moves no caret there by itself, so arrows move
// the caret and Shift+arrows extend the selection through Selection.modify (Ctrl/Alt: by word;
// Up/Down: by line; Home/End: to the line's ends).
const MOVES = { ArrowRight: ["forward", "character"], ArrowLeft: ["backward", "character"],
                ArrowDown: ["forward", "line"], ArrowUp: ["backward", "line"],
                End: ["forward", "lineboundary"], Home: ["backward", "lineboundary"] };

function onArrow(inst, e) {
  const s = document.getSelection();
  if (!s || !s.rangeCount || !inst.doc.contains(s.focusNode)) return false;
  let [direction, unit] = MOVES[e.key];
  if ((e.ctrlKey || e.altKey) && unit === "character") unit = "word";
  s.modify(e.shiftKey ? "extend" : "move", direction, unit);
  e.preventDefault();
  return true;
}

function onKey(inst, e) {
  if (e.key in MOVES && !e.metaKey && onArrow(inst, e)) return;
  if (e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
  const t = e.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  const key = e.key.toLowerCase();
  if (!(key in inst.shortcuts)) return;
  const sel = currentSelection(inst);
  if (!sel) return;
  e.preventDefault();
  inst.sel = sel;
  PLACE.sel = sel;
  inst.setTriggerValue("shortcut", { key, start: sel.start, end: sel.end, document: inst.documentId });
}
