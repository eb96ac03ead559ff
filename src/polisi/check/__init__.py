"""The gate: every rule a handbook must pass, collected into one report, before anything is published.

It may import the review, history and handbook stages, findings, errors and output, never a
renderer, signing or the CLI.
"""
