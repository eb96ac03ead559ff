"""The staff portal: the built site behind sign-in, acknowledgements, managers' reports (``polisi portal``).

A Starlette application served by uvicorn. It reads the handbook model and the acknowledgement
ledger, and serves the site the renderers built, so it sits above the renderers beside the
pipeline: it may import the ledger, render, check, history and handbook stages, findings and
errors, never the pipeline or the CLI. Only ``serve.py`` imports uvicorn.
"""
