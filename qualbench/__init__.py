"""Qualbench: a workbench for coding qualitative data (core package, no Streamlit)."""

__version__ = "0.1.0"
