"""Renderers: the staff site, per-document PDFs, the inspector bundle and Word copies.

They all start from :mod:`polisi.render.markdown`, so a document reads the same
everywhere.
"""
