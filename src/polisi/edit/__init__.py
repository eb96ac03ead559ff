"""The policy lead's commands that change the handbook and commit it to git (approve).

They check a document before they write it, so they sit above the checks: they may import the
check, history and handbook stages, findings and errors, never a renderer, the pipeline or the CLI.
"""
