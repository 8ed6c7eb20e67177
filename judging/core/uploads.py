"""Upload limits: how big an imported file may be (checked by the importers, and by Streamlit's
``server.maxUploadSize`` in ``.streamlit/config.toml``, which must say the same)."""

from __future__ import annotations

from judging.errors import ImportValidationError, Problem

# 10,000 entries with 500-character summaries are about 6 MB as CSV and less as XLSX; 20 MB leaves room
# for long summaries while a hostile upload cannot fill the server's memory.
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


def check_upload_size(*, name: str, size: int) -> None:
    """Refuse a file above ``MAX_UPLOAD_MB`` before reading it."""
    if size > MAX_UPLOAD_BYTES:
        raise ImportValidationError(Problem("trust.upload_too_big", {
            "name": name or "—", "size": f"{size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_MB}))
