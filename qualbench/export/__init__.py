"""Exports: Word, REFI-QDA and tables."""
