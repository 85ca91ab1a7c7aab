"""Shared Streamlit code: the project database for this run, the coder, widgets, errors."""
