"""The HTTP service: a thin FastAPI layer over lint.checker.Checker."""
