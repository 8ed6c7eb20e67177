"""Every page in Chinese shows no English word, code or user name: only the small allow-list below.

Each page of the route table is rendered with AppTest by a user of a role that may open it, over the
page tests' contest scored and published (so that the results, 公示 and award pages have content),
and every text the page gives the browser is read: titles, markdown, captions, alerts, widget labels,
help and options, tab and expander labels, metric labels and values, table headers and cells, chart
titles, axis titles and the values a chart draws as labels. The contest's own data (entry codes,
titles, organisations) is what the organisers typed and is left out.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe as DataEditorLike
from streamlit.testing.v1.element_tree import Html, Widget
from ui.support import publish_scored_round

from judging.core.permissions import PAGES
from judging.ui.common import USER_KEY
from judging.ui.pages import ROUTES, SIGN_IN

# words a Chinese office uses as they are (file formats, units, standard names)
ALLOWED = {"PDF", "CSV", "XLSX", "DOCX", "TOML", "ZIP", "ID", "SHA", "MB", "KB", "URL", "IP", "UTC", "English", "Language",
           "HMAC", "Ed25519", "SMTP", "SSO", "QQ", "Excel", "WPS", "UTF", "GBK", "PNG", "JPG", "Word"}
TOKEN = re.compile(r"[A-Za-z0-9_]+")
ALLOWED_UPPER = {w.upper() for w in ALLOWED}  # file extensions are written in either case (.csv, CSV)
LATIN = re.compile(r"[A-Za-z]{2}")
DIGEST = re.compile(r"(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{4,}")  # a digest or key fingerprint (hex), not a word
# Streamlit markdown directives that are not shown as text: icons, colours, badges
DIRECTIVES = re.compile(r":material/[a-z_]+:|:[a-z]+(-background)?\[|:[a-z]+-badge\[")
# typed as they are, not read as words: a key fingerprint, an address, an environment variable, a code
# such as PS-0001234-4, the advancement rule's syntax (top:10, share:0.3), a docs/ file, an example code
NOT_WORDS = re.compile(r"\b(?:top|share):[0-9.]+|docs/[a-z_]+\.md|（如 [a-z_]+）|\b[0-9A-F]{4}(?:-[0-9A-F]{4}){2,}\b|[a-z]+://\S+|\bJUDGING_[A-Z_]+\b|\b[A-Z]{1,4}-[0-9][0-9-]*\b")
# the one role that may open each page, for the test (the organiser where it may)
ROLE_USER = {"organiser": "org", "judge": "j1", "announcer": "ann", "auditor": "aud"}
# the accounts page lists accounts by the name their holders sign in with: there it is the data
PAGES_WITH_USER_NAMES = {"staff"}
USER_NAMES = {"j1", "j2", "org", "ann", "aud"}
# Known and not yet fixed, per page: each word here would be a defect to remove, listed so that the
# test fails on any new one.
KNOWN_ENGLISH: dict[str, set[str]] = {}  # a page's words not yet in Chinese (none now)


@pytest.fixture
def published(contest):
    """The page tests' contest with every sheet scored and the round's list published (公示)."""
    return publish_scored_round(contest)


def _user_for(path: str) -> str | None:
    roles = PAGES[path]
    for role in ("organiser", "judge", "announcer", "auditor"):
        if role in roles:
            return ROLE_USER[role]
    return None


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _chart_texts(spec: dict, frames: list[pd.DataFrame]) -> list[str]:
    """What a Vega-Lite chart draws as text: its titles, each encoded field's title (the field's own
    name where it has none, as Vega-Lite does) and the values of the text fields it encodes."""
    found: list[str] = []
    fields: set[str] = set()

    def channel(definition: dict) -> None:
        field = definition.get("field")
        title = definition.get("title", field)
        if isinstance(title, str) and title:
            found.append(title)
        if isinstance(field, str) and definition.get("type") in ("nominal", "ordinal"):
            fields.add(field)

    def visit(value) -> None:
        if isinstance(value, dict):
            title = value.get("title")
            if isinstance(title, str):
                found.append(title)
            elif isinstance(title, dict) and isinstance(title.get("text"), str):
                found.append(title["text"])
            for name, definition in value.get("encoding", {}).items():
                for item in definition if isinstance(definition, list) else [definition]:
                    if isinstance(item, dict) and name not in ("detail", "order"):
                        channel(item)
            for key in ("layer", "hconcat", "vconcat", "concat"):
                for part in value.get(key, []):
                    visit(part)
            if "spec" in value:
                visit(value["spec"])
    visit(spec)
    for frame in frames:
        for field in fields & set(frame.columns):
            found.extend(str(v) for v in frame[field] if isinstance(v, str))
    return found


def _as_shown(frame: pd.DataFrame, proto) -> pd.DataFrame:
    """A table as the browser draws it: headers from its column settings, hidden columns left out,
    select-box cells by their option labels."""
    try:
        config = json.loads(proto.columns) if proto is not None and proto.columns else {}
    except (AttributeError, ValueError):
        return frame
    shown = frame.copy()
    for column, settings in config.items():
        if column not in shown.columns:
            continue
        if settings.get("hidden"):
            shown = shown.drop(columns=[column])
            continue
        options = (settings.get("type_config") or {}).get("options") or []
        labels = {o.get("value"): o.get("label") for o in options if isinstance(o, dict) and o.get("label")}
        if labels:
            shown[column] = [labels.get(v, v) for v in shown[column]]
        if settings.get("label"):
            shown = shown.rename(columns={column: settings["label"]})
    return shown


# columns whose cells are what the organiser typed: English names (英文名称), codes they define (代码)
DATA_COLUMNS = ("英文", "代码")


def _frame_texts(frame: pd.DataFrame) -> list[str]:
    texts = [str(c) for c in frame.columns] + [str(i) for i in frame.index if isinstance(i, str)]
    for column in frame.columns:
        if not any(word in str(column) for word in DATA_COLUMNS):
            texts.extend(str(v) for v in frame[column] if isinstance(v, str))
    return texts


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows, as the browser would draw it (markdown directives removed).

    A widget's ``value`` is the Python value behind it (a key, an id), not what it shows: its label,
    help, placeholder and options (already formatted) are read instead.
    """
    texts: list[str] = []
    for node in _walk(at._tree):
        if isinstance(node, Html):  # the app's own style sheets (judging/ui/chrome.py): not drawn as text
            continue
        attributes = ["label", "help", "placeholder", "body", "delta"]
        if not isinstance(node, Widget) or isinstance(node, DataEditorLike):
            attributes.append("value")
        for attribute in attributes:
            try:
                value = getattr(node, attribute, None)
            except Exception:  # an element whose value needs a widget state AppTest does not hold
                continue
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, pd.DataFrame):
                texts.extend(_frame_texts(_as_shown(value, getattr(node, "proto", None))))
        options = getattr(node, "options", None)
        if isinstance(options, list | tuple):
            texts.extend(str(o) for o in options)
        proto = getattr(node, "proto", None)
        spec = getattr(proto, "spec", None)
        if isinstance(spec, str) and spec.startswith("{"):
            frames = [_arrow_frame(d.data.data) for d in getattr(proto, "datasets", [])]
            if proto.HasField("data"):
                frames.append(_arrow_frame(proto.data.data))
            texts.extend(_chart_texts(json.loads(spec), frames))
    return [NOT_WORDS.sub(" ", DIRECTIVES.sub(" ", t)) for t in texts]


def _arrow_frame(data: bytes) -> pd.DataFrame:
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return convert_arrow_bytes_to_pandas_df(data)


def latin_words(texts: list[str], data: set[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        for item in sorted(data, key=len, reverse=True):
            text = text.replace(item, " ")
        words.update(w for w in TOKEN.findall(text)
                     if LATIN.search(w) and w.upper() not in ALLOWED_UPPER and not DIGEST.fullmatch(w))
    return words


def where(texts: list[str], words: set[str]) -> list[str]:  # noqa: D401
    """The texts that hold ``words``, for a failure message that says what to fix."""
    return sorted({t[:160] for t in texts if any(re.search(rf"\b{w}\b", t) for w in words)})


def contest_data(contest) -> set[str]:
    """What the organisers typed: entry codes, titles, organisations (and their markdown-escaped forms)."""
    from judging.store.db import read_session
    from judging.store.editions import entries_of
    from judging.ui.common import plain

    with read_session(contest["engine"]) as s:
        entries = entries_of(s, contest["ids"]["edition"])
        values = {v for e in entries for v in (e.code, e.title, e.organisation) if v}
    return values | {plain(v) for v in values}


def test_latin_words_finds_codes_and_user_names_but_not_the_allow_list():
    found = latin_words(["方法：calibrated", "评委 j1 · zhangsan", "导出 PDF 与 XLSX", "作品 L-001 智慧"], {"L-001"})

    assert found == {"calibrated", "zhangsan"}


@pytest.mark.parametrize("path", [r.path for r in ROUTES if r.path != SIGN_IN])
def test_every_page_in_chinese_shows_no_english_word(published, path):
    route = next(r for r in ROUTES if r.path == path)
    module, _, function = route.render.partition(":")
    at = AppTest.from_string(f"import {module} as m\nm.{function}()", default_timeout=90)
    at.session_state[USER_KEY] = published["users"][_user_for(path)]
    if path == "sheet":
        at.query_params["round"] = str(published["ids"]["round"])
        at.query_params["entry"] = str(published["ids"]["L-001"])
    at.run()

    assert not at.exception, [e.value for e in at.exception]
    texts = page_texts(at)
    data = contest_data(published) | (USER_NAMES if path in PAGES_WITH_USER_NAMES else set())
    found = latin_words(texts, data) - KNOWN_ENGLISH.get(path, set())
    assert not found, " | ".join([", ".join(sorted(found)), *where(texts, found)])


@pytest.mark.parametrize("user", [None, "j1", "org", "ann", "aud"])
def test_the_app_frame_in_chinese_shows_no_english_word(app, published, user):
    at = app(user).run()

    assert not at.exception
    texts = page_texts(at)
    found = latin_words(texts, contest_data(published))
    assert not found, " | ".join([", ".join(sorted(found)), *where(texts, found)])


def test_the_publication_list_shows_scores_with_the_lists_decimals_and_tracks_by_name(published):
    at = AppTest.from_string("import judging.ui.publication as m\nm.render()", default_timeout=90)
    at.session_state[USER_KEY] = published["users"]["org"]
    at.run()

    listed = next(d.value for d in at.dataframe if "得分" in d.value.columns)

    assert not at.exception
    assert sorted(listed["得分"]) == ["63.00", "72.00", "82.50", "89.00"]  # two decimals, as published
    assert set(listed["赛道"]) == {"生活类", "公共服务类"}
