"""Names people read in place of the codes the app stores: methods, rubric templates, and who did
something (display names; the trusted shells as 系统/命令行/演示数据)."""

from __future__ import annotations

from functools import lru_cache

from judging.core.editions import rubric_templates
from judging.core.permissions import RESERVED_USERNAMES, Actor
from judging.core.rubric import load_rubric
from judging.i18n import TEXTS
from judging.store.people import get_user
from judging.ui.common import lang, tr

SHELL_NAMES = {"system": "alog.shell.system", "cli": "alog.shell.cli", "demo": "alog.shell.demo"}


def method_name(code: str) -> str:
    """A ranking method by its name (原始平均分, 校准模型…); an unknown code as it is."""
    key = f"results.method.{code}"
    return tr(key) if key in TEXTS else code


@lru_cache(maxsize=32)
def _template_label(key: str):
    # the shipped rubric files do not change while the app runs: read each once per process
    path = rubric_templates().get(key)
    return load_rubric(path).label if path is not None else None


def rubric_name(key: str) -> str:
    """A shipped rubric template by its title in the tab's language; an unknown key as it is."""
    label = _template_label(key)
    return label.get(lang()) if label is not None else key


def people_names(session, usernames, *, actor: Actor) -> dict[str, str]:
    """Display names of ``usernames`` (the trusted shells in words; a name not found stays as it is).
    For organiser pages: reading accounts is the organiser's (``people.read``)."""
    names: dict[str, str] = {}
    for username in {u for u in usernames if u}:
        if username in RESERVED_USERNAMES:
            names[username] = tr(SHELL_NAMES.get(username, "alog.shell.system"))
            continue
        found = get_user(session, username, actor=actor)
        names[username] = found.display_name if found is not None and found.display_name else username
    return names
