"""The command line: each command parses its options, calls one library function and formats.

It may import every stage below it; nothing imports it. It is the one place that turns polisi's
exceptions into messages and exit statuses.
"""
