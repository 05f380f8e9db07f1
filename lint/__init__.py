"""cslint: phrase-compliance checker for Chinese customer-service replies.

Installed as the package `cslint` from the source folder lint/ (service/ becomes `cslint.service`,
rules/ `cslint._packs`; see pyproject.toml), so code imports `cslint.…`, never `lint.…`.
"""

__version__ = "0.1.0"
