"""The review schedule: which documents are overdue, due soon or in date, and its output formats.

It may import the acknowledgement ledger (for coverage), the history stage, the handbook stage,
findings, errors and output, never a later stage.
"""
