"""Renderers: the staff site, per-document PDFs, the inspector bundle and Word copies.

They all start from :mod:`polisi.handbook.markdown`, so a document reads the same everywhere. They
may import signing, word (for pandoc), the checks (a renderer takes a checked handbook) and every
stage below, never the pipeline or the CLI; only ``pdf.py`` imports WeasyPrint and only ``site.py``
runs MkDocs.
"""
