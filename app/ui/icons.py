"""Material icons (bundled with Streamlit, so they draw without an emoji font)."""

from __future__ import annotations

LOGO = ":material/architecture:"
USER = ":material/person:"
CREW = ":material/architecture:"
ERROR = ":material/error:"
WARNING = ":material/warning:"
INFO = ":material/info:"
MODEL = ":material/smart_toy:"
DONE = ":material/check_circle:"
WORKING = ":material/hourglass_top:"
UNDERSTOOD = ":material/check:"
FILE = ":material/description:"
DOWNLOAD = ":material/download:"
ADD = ":material/add:"
SEVERITY = {
    "blocker": ":red-badge[blocker]",
    "major": ":orange-badge[major]",
    "minor": ":blue-badge[minor]",
}
