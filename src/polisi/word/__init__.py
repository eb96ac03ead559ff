"""Word in: turning existing .docx policies into handbook documents, and the pandoc adapter.

It may import the handbook stage, findings and errors, never the checks, a renderer, the pipeline
or the CLI; ``pandoc.py`` is the only module that runs pandoc (the Word export calls it too).
"""
