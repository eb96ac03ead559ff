"""Signing: who signs (identity), signing and verifying PDFs, and the bundle's manifest of hashes.

It may import the handbook stage, findings and errors, never a renderer, the pipeline or the CLI;
``sign.py`` is the only module that imports pyHanko.
"""
