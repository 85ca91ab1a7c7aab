"""Coded text drawn as HTML: turn by turn, one span per segment, codes' colours, the focused turn marked.

Every piece of document text goes through ``html.escape``: a transcript containing
markup shows the characters and runs nothing.
"""

from __future__ import annotations

import html

import streamlit as st

from qualbench import coding

STYLE = """<style>
.qb-turn{margin:0 0 .8rem 0;padding:.2rem .6rem;line-height:1.9;border-left:3px solid transparent}
.qb-turn.qb-focus{border-left-color:#f1c40f;background:#fffbea}
.qb-label{font-weight:600;color:#34495e;font-size:.85rem;display:block}
.qb-seg{border-radius:2px;padding:0 1px}
</style>"""


def _segment(text: str, seg: dict) -> str:
    body = html.escape(text[seg["start"]:seg["end"]])
    if not seg["codings"]:
        return body
    colours = [c["color"] for c in seg["codings"]][:4]
    shadows = ", ".join(f"inset 0 -{3 * (i + 1)}px 0 {colour}" for i, colour in enumerate(colours))
    names = html.escape("; ".join(f"{c['code']} ({c['coder']})" for c in seg["codings"]))
    return (f'<span class="qb-seg" title="{names}" style="background:{colours[0]}22;box-shadow:{shadows};'
            f'padding-bottom:{3 * len(colours)}px">{body}</span>')


def render(text: str, turns: list[dict], codings: list[dict], *, focus: int | None = None) -> None:
    """Draw the turns with their codings; the turn with index ``focus`` is marked."""
    parts = [STYLE]
    for turn in turns:
        inside = [c for c in codings if c["start"] < turn["end"] and turn["start"] < c["end"]]
        label = " · ".join(x for x in (turn["timestamp"], turn["speaker"]) if x)
        spans = "".join(_segment(text, s) for s in coding.segments(turn["start"], turn["end"], inside))
        focus_class = " qb-focus" if turn["index"] == focus else ""
        label_html = f'<span class="qb-label">{html.escape(label)}</span>' if label else ""
        parts.append(f'<div class="qb-turn{focus_class}" id="turn-{turn["index"]}">{label_html}{spans}</div>')
    st.html("".join(parts))
