"""Showing user text: titles, names, memos, excerpts and messages never become Markdown or HTML.

Streamlit renders Markdown almost everywhere: ``st.markdown``, captions, titles and
headers, alert boxes, toasts, ``help=`` tooltips, and the labels of widgets, buttons,
tabs and expanders. A document title, a coder's or code's name, an attribute, a memo or
an excerpt comes from whoever typed or imported it, so it goes through this module:

- :func:`md` gives the Markdown source that shows a text literally, for every place that
  renders Markdown (labels too). Every ASCII punctuation character that can start Markdown
  is backslash-escaped, and an empty ``:small[]`` is put where GitHub's *autolink
  literals* would turn ``http://``, ``www.`` or ``name@host`` into a link (that rule runs
  on the text after escapes are resolved, so escaping alone cannot stop it). What the
  browser shows is the text character for character, except that Markdown folds runs of
  spaces and line-leading spaces as HTML does.
- :func:`html` escapes a text for an ``st.html`` template; :func:`text` shows a block of
  user text (a turn, a memo, an excerpt) as text, with its spaces and line breaks kept.
- :func:`title`, :func:`subheader`, :func:`caption`, :func:`success`, :func:`info`,
  :func:`warning`, :func:`error` and :func:`toast` show a message that is plain text
  from end to end (the flash messages and error sentences, which quote user text).

A page that mixes its own Markdown with user text writes ``f"**{show.md(name)}** ..."``.
``format_func`` output, ``st.dataframe`` cells and ``st.text_area`` values are plain text
in Streamlit already and need nothing (tests/browser/test_hostile_browser.py checks).
"""

from __future__ import annotations

import html as _html
import re

import streamlit as st

# ASCII punctuation that can begin or end Markdown (CommonMark, GFM, math, Streamlit's
# :directives[], :emoji: and :material/icons: -- the last is matched on the raw source, so
# "/" is escaped too); the rest (, ; ? % ' ") is inert and stays as it is.
_SPECIAL = re.compile(r"([!#$&()*+\-./:<=>@\[\\\]^_`{|}~])")
# Where GFM's autolink literals, which match the text after escapes are resolved, would
# start: before "://", every "@" (e-mail addresses) and the "." of "www.".
_SPLIT_AT = re.compile(r"(?=\\:\\/\\/)|(?<=[wW][wW][wW])(?=\\\.)|(?=\\@)")
_SPLIT = ":small[]"  # renders as an empty <span>: ends the text node, shows nothing
_LEADING = re.compile(r"^[ \t]+", re.M)


def md(text) -> str:
    """Markdown source that shows ``text`` exactly as written (no markup, no links, no images)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    out = _SPLIT_AT.sub(_SPLIT, _SPECIAL.sub(r"\\\1", text))
    # a line that starts with spaces must not become a code block; a newline is a line break
    out = _LEADING.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(0)), out)
    return out.replace("\n", "\\\n")


def html(text) -> str:
    """``text`` escaped for an ``st.html`` template (quotes too, so it may stand in an attribute)."""
    return _html.escape(str(text), quote=True)


def text(body, *, label=None, muted: bool = False, key: str | None = None) -> None:
    """A block of user text as text: spaces and line breaks kept, a bold ``label`` (speaker, time) above it."""
    colour = "color:rgba(49,51,63,.6);" if muted else ""
    head = f'<div style="font-weight:600">{html(label)}</div>' if label else ""
    cls = f' class="qb-show qb-show-{html(key)}"' if key else ' class="qb-show"'
    st.html(f'<div{cls} style="{colour}white-space:pre-wrap;overflow-wrap:anywhere">{head}'
            f'<div class="qb-show-body">{html(body)}</div></div>')


def title(message) -> None:
    st.title(md(message), anchor=False)


def subheader(message) -> None:
    st.subheader(md(message), anchor=False)


def caption(message) -> None:
    st.caption(md(message))


def success(message, **kwargs) -> None:
    st.success(md(message), **kwargs)


def info(message, **kwargs) -> None:
    st.info(md(message), **kwargs)


def warning(message, **kwargs) -> None:
    st.warning(md(message), **kwargs)


def error(message, **kwargs) -> None:
    st.error(md(message), **kwargs)


def toast(message, **kwargs) -> None:
    st.toast(md(message), **kwargs)
