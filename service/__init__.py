"""The HTTP service (`cslint.service`, source folder service/): a thin FastAPI layer over cslint.checker.Checker."""
