"""``python -m openimapi.automation script.py [args...]``: run a Windows automation script
unmodified, with the win32com/pythoncom/comtypes stand-ins installed."""

from __future__ import annotations

import os
import runpy
import sys

from openimapi.automation import install


def main(argv: list[str] | None = None) -> int:
    """Run the script as ``__main__``; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m openimapi.automation script.py [args...]", file=sys.stderr)
        return 2
    install()
    script = args[0]
    sys.argv = args
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
