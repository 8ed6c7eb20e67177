"""The exception hierarchy: every error a user can cause says what to fix, in their language."""

from __future__ import annotations

from dataclasses import dataclass, field

from judging.i18n import t


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``where`` is a file name, a key path (``criteria[1].weight``) or both; ``row`` and ``column``
    locate problems in tables (``row`` counts as a spreadsheet does: the header is row 1).
    """

    code: str
    params: dict[str, object] = field(default_factory=dict)
    where: str = ""
    row: int | None = None
    column: str | None = None

    def message(self, lang: str | None = None) -> str:
        return t(self.code, lang, **self.params)

    def render(self, lang: str | None = None) -> str:
        location = []
        if self.where:
            location.append(self.where)
        if self.row is not None:
            location.append(t("loc.row", lang, row=self.row))
        if self.column:
            location.append(t("loc.column", lang, column=self.column))
        prefix = ", ".join(location)
        return f"{prefix}: {self.message(lang)}" if prefix else self.message(lang)


class JudgingError(Exception):
    """Base of every error the application raises on purpose."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("error.plain", {"text": problems})]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.render("en"))

    def render(self, lang: str | None = None) -> str:
        return "\n".join(problem.render(lang) for problem in self.problems)


class RubricError(JudgingError):
    """A rubric file or rubric edit is not valid."""


class ImportValidationError(JudgingError):
    """An imported file has problems; nothing was imported."""


class ScoreError(JudgingError):
    """A score is out of range, for an unknown criterion, or otherwise unusable."""


class StaleWriteError(JudgingError):
    """A value changed since the writer last read it (another tab or another device)."""

    def __init__(self, problems, *, current_value=None, current_version: int | None = None):
        super().__init__(problems)
        self.current_value = current_value
        self.current_version = current_version


class PermissionDenied(JudgingError):
    """The user's role or assignment does not allow this action."""


class DatabaseBusy(JudgingError):
    """A write waited too long for other writers; nothing of it was saved (the caller may try again)."""


class NotFound(JudgingError):
    """A referenced edition, round, entry, judge ... does not exist."""


class ConfigError(JudgingError):
    """A setting (an environment variable) has a value the application cannot use."""


class RankingError(JudgingError):
    """The scores cannot be ranked as asked (e.g. the judge–entry graph is not connected)."""


class AuditLogError(JudgingError):
    """A filter of the audit log (a date, a person, an entry, a format) cannot be used."""


class BackupError(JudgingError):
    """A backup cannot be written, or a backup file cannot be restored where it was asked to go."""
