"""The first stage: read the handbook folder (polisi.yml, front matter, catalogue) into a typed model.

It may import findings, errors and third-party parsers only, never a later stage.
"""
