"""`python -m cslint …` runs the command-line interface, exactly as the `cslint` script does."""
from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
