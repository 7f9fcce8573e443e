"""Entry point of the Streamlit app: `designcrew ui`, or `streamlit run app/ui/streamlit_app.py`.

Thin on purpose: the page lives in app.ui.page, the design logic in the agents package.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts this file's folder on sys.path, not the project root
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from app.ui.page import main  # noqa: E402

main()
