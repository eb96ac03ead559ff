"""The git record: what each document said in each commit, its approvals, its drift since approval.

It may import the handbook stage, findings and errors, never a later stage; ``git.py`` is the only
module that imports GitPython.
"""
