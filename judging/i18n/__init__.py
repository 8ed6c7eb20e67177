"""The one translation table: every user-visible text, in Chinese (default) and English.

The table is assembled from per-area parts: every module ``judging/i18n/_<area>.py`` with a
``TEXTS`` dict is found and merged (nothing to register), so that several people can add texts
without editing the same lines. A test checks that no key is defined twice and that every key has
both languages with the same placeholders.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Mapping

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"



def _discover_parts() -> tuple[Mapping[str, Mapping[str, str]], ...]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("_"))
    return tuple(importlib.import_module(f"{__name__}.{name}").TEXTS for name in names)


_PARTS: tuple[Mapping[str, Mapping[str, str]], ...] = _discover_parts()


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
