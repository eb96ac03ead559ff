"""polisi: policy-as-code for regulated care services in Wales."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
