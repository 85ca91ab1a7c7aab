"""Refuse a page reached under a name the workbench does not serve (DNS rebinding).

A page on another site can make a visitor's browser resolve its own name to 127.0.0.1
and then talk to the workbench as if it were that site ("DNS rebinding"); the only trace
is the ``Host`` header, which then names the attacker's site. So the workbench answers
only to the names it is meant to be reached by, at two levels:

- Streamlit's own ``server.allowedHosts`` (``.streamlit/config.toml``: localhost,
  127.0.0.1 and ::1) refuses the WebSocket that carries every script run, so a foreign
  page gets no session at all. Streamlit ignores the port there.
- :func:`refuse_foreign_host` runs first in every script run (workbench.py, and
  ``ui.project`` before it hands out the project): a run whose request named another
  host shows one sentence and stops, before the project is opened. It reads the same
  list, so a team server names its host once (``--server.allowedHosts NAME``, the
  ``STREAMLIT_SERVER_ALLOWED_HOSTS`` variable or the config file) and both levels follow;
  for the loopback names it also requires the port the workbench serves. It never
  takes ``*`` (Streamlit's "any host") for an answer: without a name, only this machine.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from . import show

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def allowed_names(configured) -> list[str]:
    """The host names (or ``*.domain`` patterns) the workbench answers to: the configured ones, else this machine's."""
    names = [str(n).strip().lower().rstrip(".") for n in (configured or [])]
    names = [n for n in names if n and n != "*"]
    return names or list(LOOPBACK)


def host_allowed(host: str | None, names: list[str], *, port: int) -> bool:
    """Whether a ``Host`` header names one of ``names``; a loopback name must carry ``port`` too."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        hostname, given_port = parts.hostname, parts.port
    except ValueError:
        return False
    if not hostname or parts.username is not None or parts.password is not None or parts.path or parts.query or parts.fragment:
        return False
    hostname = hostname.lower().rstrip(".")
    for name in names:
        if name == hostname:
            return given_port == port if name in LOOPBACK else True
        if name.startswith("*.") and hostname.endswith(name[1:]):
            return True
    return False


def _served() -> tuple[list[str], int]:
    return allowed_names(st.get_option("server.allowedHosts")), int(st.get_option("server.port"))


def refuse_foreign_host() -> None:
    """Stop this run, with one sentence and nothing of the project, when its request named a host not served."""
    headers = st.context.headers
    if not len(headers):  # no HTTP request behind this run (AppTest, bare mode)
        return
    names, port = _served()
    host = headers.get("Host")
    if host_allowed(host, names, port=port):
        return
    where = " or ".join(f"{n}:{port}" if n in LOOPBACK else n for n in names if n != "::1")
    show.error(f"This workbench was reached as “{host or 'no host'}”, but it answers only as {where}, so it shows nothing here. "
               "A page on another site may be trying to reach your project through your browser: open the workbench's "
               "own address yourself. (A team server names its host in server.allowedHosts; see the README.)",
               icon=":material/block:")
    st.stop()
