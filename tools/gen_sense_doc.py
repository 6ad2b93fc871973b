"""Write docs/sense-to-hresult.md from openimapi.mmc.sense_map (run from the repository root).

    python tools/gen_sense_doc.py
"""

from __future__ import annotations

from pathlib import Path

from openimapi.mmc.sense_map import render_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "sense-to-hresult.md"

if __name__ == "__main__":
    DOC.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {DOC}")
