"""`cslint scan`: QA batch scans of archived transcripts (see lint/scan/run.py)."""
from __future__ import annotations

from .partition import ScanOptions
from .run import ScanError, ScanOutcome, run_scan

__all__ = ["ScanError", "ScanOptions", "ScanOutcome", "run_scan"]
