"""``python -m migready.gui [INVENTORY|WORKSPACE] [--dark] [--lang LANG]``, or ``--screenshots DIR [--lang LANG]``
(the developer tool)."""
import os
import sys

from .preflight import preflight

if "--screenshots" in sys.argv[1:]:
    if preflight(dict(os.environ, QT_QPA_PLATFORM=os.environ.get("MIGREADY_SCREENSHOT_PLATFORM") or "offscreen")):
        sys.exit(2)
    import argparse
    from pathlib import Path

    from .screenshots import take
    parser = argparse.ArgumentParser(prog="python -m migready.gui --screenshots")
    parser.add_argument("--screenshots", metavar="DIR", type=Path, required=True,
                        help="render every page (light and dark) to PNG files in DIR, then exit")
    parser.add_argument("--lang", metavar="LANG", default="en",
                        help="the window's language in the pictures: en (default) or zh_CN")
    args = parser.parse_args()
    sys.exit(take(args.screenshots, args.lang))

if preflight():  # before any QApplication: Qt would abort (exit 134) with a wrong hint
    sys.exit(2)

from .app import main  # noqa: E402

sys.exit(main())
