"""The handbook stage: reads the folder (polisi.yml, front matter, catalogue) into a typed model.
It may import only findings, errors and third-party parsers, never a later stage.
"""
