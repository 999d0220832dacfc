"""`python -m migready.checks.cli`: the same entry point as the `migready` script."""
import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
