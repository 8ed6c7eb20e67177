"""The one translation table: every user-visible text, in Chinese (default) and English.

The table is assembled from per-area parts (``_core``, ``_ui`` ...) so that several people can add
texts without editing the same lines; ``TEXTS`` is the merged table and a test checks that no key is
defined twice and that every key has both languages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from judging.i18n import _cli, _core, _ui

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_PARTS: tuple[Mapping[str, Mapping[str, str]], ...] = (_core.TEXTS, _cli.TEXTS, _ui.TEXTS)


def _merge(parts: tuple[Mapping[str, Mapping[str, str]], ...]) -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for part in parts:
        for key, texts in part.items():
            if key in merged:
                raise KeyError(f"translation key defined twice: {key}")
            merged[key] = texts
    return merged


TEXTS: dict[str, Mapping[str, str]] = _merge(_PARTS)


def current_language() -> str:
    """The language for shells that have no user choice (CLI): JUDGING_LANG, else Chinese."""
    lang = os.environ.get("JUDGING_LANG", DEFAULT_LANGUAGE).strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    lang = lang or current_language()
    texts = TEXTS[key]
    template = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template
