"""cslint: phrase-compliance checker for Chinese customer-service replies (package `lint`)."""

__version__ = "0.1.0"
