"""What Streamlit itself draws around the app, made Chinese-first and quiet for the people who use it.

``client.toolbarMode = "minimal"`` (``.streamlit/config.toml``, and ``judging serve``) removes the
Deploy button and the developer menu. Streamlit 1.67 has no setting for the language of its own
widget texts, so the few that show ("Upload", "Drag and drop…", "20MB per file", "Press Enter to
apply") are replaced by a style sheet: the English text is hidden and ours, from the translation
table, drawn in its place. The sheet holds only our own texts, never entry or judge text.
"""

from __future__ import annotations

import streamlit as st

from judging.ui.common import tr


def _css_text(text: str) -> str:
    """``text`` as a CSS string literal (our own translation texts: quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def style_sheet(*, max_upload_mb: int) -> str:
    """The CSS that hides Streamlit's developer chrome and puts our texts in place of its English ones."""
    upload = _css_text(tr("chrome.upload"))
    limit = _css_text(tr("chrome.upload_limit", mb=max_upload_mb))
    return f"""<style>
[data-testid="stAppDeployButton"], [data-testid="stMainMenu"], [data-testid="stToolbarActions"] {{display: none !important;}}
[data-testid="InputInstructions"] {{display: none !important;}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzoneInstructions"] span::before {{content: {limit}; font-size: 0.875rem;}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: {upload}; font-size: 0.875rem;}}
</style>"""


def style(sheet: str) -> None:
    """Put a style sheet on this page. The one place the app hands HTML to Streamlit: a ``<style>``
    element only, built from constants and our own translation texts, never entry or judge text."""
    body = sheet.strip()
    if not (body.startswith("<style>") and body.endswith("</style>") and body.count("<") == 2):
        raise ValueError("chrome.style takes one <style> element and nothing else")
    st.html(body)


def apply() -> None:
    """Put the style sheet on this page (once per run, from the router)."""
    from judging.core.uploads import MAX_UPLOAD_MB

    style(style_sheet(max_upload_mb=MAX_UPLOAD_MB))
