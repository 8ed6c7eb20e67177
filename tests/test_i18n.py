"""The translation table: every text in both languages, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from judging.i18n import LANGUAGES, TEXTS, _merge, t


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_both_languages_with_the_same_placeholders(key):
    texts = TEXTS[key]

    assert set(texts) == set(LANGUAGES)
    assert all(texts[lang].strip() for lang in LANGUAGES)
    assert _placeholders(texts["zh"]) == _placeholders(texts["en"])


def test_merge_refuses_a_key_defined_twice():
    with pytest.raises(KeyError, match="twice"):
        _merge(({"a": {"zh": "甲", "en": "a"}}, {"a": {"zh": "乙", "en": "b"}}))


def test_chinese_is_the_default_and_english_available(monkeypatch):
    monkeypatch.delenv("JUDGING_LANG", raising=False)

    assert (t("cli.ok"), t("cli.ok", "en")) == ("通过", "OK")
