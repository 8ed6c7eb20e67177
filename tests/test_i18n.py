"""The translation table: every text in both languages, with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

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


# --- every key is used -------------------------------------------------------------------------------

ROOT = Path(__file__).parents[1]
# Key families the code builds from a value (f"prefix{value}" or "prefix" + value), so that no literal
# names their keys, each with where it is built. Such a key counts as used when its suffix (the value:
# a method name, an enum value, a member of a tuple) is a literal somewhere in the code.
DYNAMIC_PREFIXES = {
    "alog.ev.": "the audit log's sentence per kind of event, RENDERERS and VARIANT_TEXTS (core/audit_words.py)",
    "alog.kind.": "the name of each kind of event, kind_label (core/audit_words.py)",
    "alog.field.": "a round setting's name in the audit log's sentence for a changed round (core/audit_words.py)",
    "alog.value.": "a yes/no setting's value in the same sentence (core/audit_words.py)",
    "alog.checkpoint.": "why a checkpoint was signed, by the kind of list event (core/audit_words.py)",
    "alog.col.": "the audit log export's columns, COLUMNS (core/audit_export.py)",
    "alog.shell.": "the trusted shells' names in the audit log, SHELLS (core/audit_words.py)",
    "ann.download.": "the announcer's download buttons, per file kind (ui/announcer.py)",
    "aws.rounding.": "how shares are rounded, per SHARE_ROUNDING (ui/organiser_awards.py)",
    "aws.source.": "where a version of the award settings came from, per SOURCES (ui/organiser_awards.py)",
    "aws.tb.": "tie-break keys of TIE_BREAK_KEYS (ui/organiser_awards.py)",
    "aws.tie_policy.": "tie policies of TIE_POLICIES (ui/organiser_awards.py)",
    "app.language.": "the language switch, per code in LANGUAGES (ui/common.py)",
    "export.col.": "column headers of the exported lists (core/exports.py)",
    "export.file_": "file names of the exports, per kind (core/exports.py)",
    "oc.handout.": "columns of the judges' account handout (core/handout.py)",
    "lifecycle.state.": "a round's states on the timeline, per RoundStatus and core/lifecycle.py (ui/timeline.py)",
    "oc.imp.match_by_": "how a row matched an existing entry, per EntryMatch.by (ui/organiser_imports.py)",
    "oc.imp.on_match.": "what to do with entries already in the edition, per MATCH_CHOICES (ui/organiser_imports.py)",
    "oc.imp.tab_": "the import page's tabs (ui/organiser_imports.py)",
    "oc.kind.": "edition kinds in the setup form (ui/organiser_setup.py)",
    "oc.live.state_": "an entry's state on the live board (its state enum)",
    "oc.rub.": "the rubric editor's scale and comment-rule fields (ui/organiser_rubric.py)",
    "oc.rub.col_": "the rubric editor's table columns (ui/organiser_rubric.py)",
    "oc.status.": "round statuses (the setup page, the round status enum)",
    "oc.subject.": "what a rubric scores: entry, institution, person (ui/organiser_setup.py, ui/organiser_rubric.py)",
    "panel.decision.": "the panel's decisions of DECISIONS (ui/panel_decisions.py)",
    "panel.note.": "the 公示 documents' notes per decision of NOTED (core/panel.py)",
    "pub.objection.": "objection statuses (ui/publication.py)",
    "pub.status.": "publication statuses (ui/publication.py, ui/results.py)",
    "rank.flag.": "ranking flags of FLAG_ORDER (core/exports.py, cli/rank.py)",
    "results.method.": "ranking methods of METHOD_NAMES (ui/results.py)",
    "role.": "roles (core/permissions.py, Role.label_key)",
    "state.": "a sheet's progress on the judge's entry list (its state enum)",
}


def _code_files() -> list[Path]:
    """The code that shows texts: the package (not the translation parts), the app, the data scripts."""
    package = [p for p in (ROOT / "judging").rglob("*.py")
               if not (p.parent.name == "i18n" and p.name.startswith("_") and p.name != "__init__.py")]
    return package + [ROOT / "streamlit_app.py"] + sorted((ROOT / "data").rglob("*.py"))


def _literals_and_built_prefixes() -> tuple[set[str], dict[str, set[str]]]:
    """Every string literal in the code, and for every prefix keys are built from, the files that do."""
    literals, built = set(), {}
    for path in _code_files():
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif (isinstance(node, ast.JoinedStr) and len(node.values) > 1
                  and isinstance(node.values[0], ast.Constant)):
                built.setdefault(node.values[0].value, set()).add(where)
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant)
                  and isinstance(node.left.value, str)):
                built.setdefault(node.left.value, set()).add(where)
    return literals, built


def _data_text() -> str:
    # the shipped text files only: the app's own database (data/judging.db, made by a first start) is not text
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").rglob("*"))
                     if p.is_file() and p.suffix in (".csv", ".toml", ".json", ".md", ".txt"))


def test_every_translation_key_is_used():
    literals, _ = _literals_and_built_prefixes()
    data = _data_text()

    def used(key: str) -> bool:
        return key in literals or key in data or any(
            key.startswith(prefix) and key[len(prefix):] in literals for prefix in DYNAMIC_PREFIXES)

    assert sorted(key for key in TEXTS if not used(key)) == []


def test_every_dynamic_key_prefix_is_built_in_the_code_and_names_keys():
    _, built = _literals_and_built_prefixes()

    not_built = sorted(prefix for prefix in DYNAMIC_PREFIXES if prefix not in built)
    without_keys = sorted(prefix for prefix in DYNAMIC_PREFIXES if not any(key.startswith(prefix) for key in TEXTS))

    assert (not_built, without_keys) == ([], [])
