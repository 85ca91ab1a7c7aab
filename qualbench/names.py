"""Names people give things: codes, coders and document titles.

One check for every name a researcher reads in a list, a chart or a report. A name is
one line of visible text: whitespace runs become one space; control characters are
refused; so are the invisible bidirectional controls (U+202A-U+202E embeddings and
overrides, U+2066-U+2069 isolates, U+200E/U+200F/U+061C marks), which can make a name
display as something other than what it is ("Trust" followed by a right-to-left
override and reversed letters reads as a different code); and so is a name longer than
``limit`` characters. Messages show such characters as ``<U+202E>``, never raw.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import QualbenchError

NAME_LIMIT = 200  # characters; a longer text belongs in a description
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with bidi and control characters written as ``<U+202E>``, safe to show in a message."""
    return "".join(f"<U+{ord(c):04X}>" if c in BIDI_CONTROLS or _CONTROL.match(c) else c for c in text)


def is_control(c: str) -> bool:
    """A C0 or C1 control character (tab and newline included)."""
    return bool(_CONTROL.match(c))


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut), for quoting in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def collapse(text: str) -> str:
    """Whitespace runs (spaces, tabs, newlines) as one space, none at either end."""
    return " ".join(text.split())


def name_problem(name: str, *, what: str, limit: int = NAME_LIMIT) -> str | None:
    """What is wrong with ``name`` (already whitespace-collapsed), as a sentence beginning with ``what``; None when nothing is."""
    shown = visible(shorten(name, 60))
    bidi = sorted({c for c in name if c in BIDI_CONTROLS})
    if bidi:
        which = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'bidi control')}" for c in bidi)
        return (f"{what} “{shown}” contains an invisible text-direction control ({which}), which can make it "
                "display as a different name; remove it.")
    controls = _CONTROL.findall(name)
    if controls:
        return f"{what} “{shown}” contains a control character (U+{ord(controls[0]):04X}); remove it."
    if len(name) > limit:
        return f"{what} “{shown}” is {len(name):,} characters long; it can be at most {limit} characters."
    return None


def clean_name(name: str | None, *, what: str, limit: int = NAME_LIMIT, error: type[QualbenchError] = QualbenchError) -> str:
    """``name`` whitespace-collapsed and checked (see :func:`name_problem`); raises ``error`` with the problem."""
    clean = collapse(name or "")
    if not clean:
        raise error(f"{what} is empty; give it a name.")
    problem = name_problem(clean, what=what, limit=limit)
    if problem:
        raise error(problem)
    return clean
