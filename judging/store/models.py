"""SQLModel tables: editions, tracks, rounds, entries, users, conflicts, assignments, score sheets,
scores, comments, vetoes and the append-only audit trail.

The schema is created and upgraded by the Alembic migrations in ``judging/store/migrations``; a
change here needs a new migration (a test compares the two).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from judging.store.times import utcnow


def stored_id(row: SQLModel) -> int:
    """A stored row's id (SQLModel types ids as optional: they are None until the row is flushed)."""
    row_id = getattr(row, "id", None)
    if not isinstance(row_id, int):
        raise ValueError(f"{type(row).__name__} has no id: it is not stored yet")
    return row_id


class Edition(SQLModel, table=True):
    """届/年度大赛: one year's contest or selection."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="innovation_contest")  # innovation_contest | new_product | demonstration | custom
    name: str
    year: int
    subject: str = Field(default="entry")  # entry | institution | person
    created_at: datetime = Field(default_factory=utcnow)


class Track(SQLModel, table=True):
    """赛道/组别: awards are per track."""

    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str
    name_zh: str
    name_en: str = ""
    position: int = 0


class Round(SQLModel, table=True):
    """评审阶段 with its rubric copy; ``rubric_frozen`` once the first score is stored."""

    __tablename__ = "judging_round"
    __table_args__ = (UniqueConstraint("edition_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    key: str  # preliminary | second | final ...
    name: str
    position: int = 0
    rubric_json: str = Field(sa_column=Column(Text, nullable=False))
    rubric_frozen: bool = False
    blind: bool = True
    judges_per_entry: int = 5
    method: str = "calibrated"
    status: str = "open"  # draft | open | closed
    advance_rule: str = ""  # "top:10" or "share:0.3" per track; empty = none
    weight_in_final: float = 1.0
    starts_on: str = ""
    ends_on: str = ""


class Entry(SQLModel, table=True):
    """参赛作品/申报项目 (or an institution or person, by the edition's subject)."""

    __table_args__ = (UniqueConstraint("edition_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    code: str  # the organiser's entry id, e.g. "2026-LS-001"
    track_id: int = Field(foreign_key="track.id", index=True)
    title: str
    organisation: str = ""
    recommending_unit: str = ""
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    contact: str = ""
    email: str = ""
    phone: str = ""
    materials: str = ""


class User(SQLModel, table=True):
    """An account: organiser, judge, announcer or auditor. Judges carry organisation and expertise."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    display_name: str
    role: str = Field(default="judge", index=True)
    password_hash: str = ""
    password_one_time: bool = False  # a generated password: the account must choose its own at the next sign-in
    organisation: str = ""
    expertise: str = ""  # track keys or tags separated by ";"
    email: str = ""
    phone: str = ""
    title: str = ""  # 职称
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Conflict(SQLModel, table=True):
    """回避: a judge may not score an entry (automatic by organisation, or declared)."""

    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    source: str = "declared"  # organisation | recommending_unit | declared | organiser
    reason: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Assignment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class ScoreSheet(SQLModel, table=True):
    """评分表: one judge × one entry in a round; draft → submitted."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    status: str = "draft"  # draft | submitted
    submitted_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Score(SQLModel, table=True):
    """One criterion score of one sheet; ``version`` grows by one with every change."""

    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id", "criterion"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    criterion: str
    value: float
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """评语: per criterion, or for the whole sheet when ``criterion`` is empty."""

    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id", "criterion"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    criterion: str = ""
    text: str = Field(sa_column=Column(Text, nullable=False))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class Veto(SQLModel, table=True):
    """一票否决 raised by a judge on an entry, with the reason."""

    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id", "veto_key"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    veto_key: str
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Append-only audit trail; each event carries the hash of the one before it in its chain."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = ""
    action: str = Field(index=True)
    subject: str = ""
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    prev_hash: str = ""
    hash: str = ""
    chain: str = "main"  # the chain it extends (judging/store/write_path.py): main, or user:<account id>


# --- 公示 (publication) ------------------------------------------------------------------------

class Publication(SQLModel, table=True):
    """A round's award list put up for 公示: the provisional snapshot, its window, frozen or not.

    ``list_json`` is the list as published (engine result joined with the entries); changes are
    kept in ``publication_change`` and applied on read, so the snapshot itself never changes.
    """

    __table_args__ = (UniqueConstraint("round_id"),)
    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    round_id: int = Field(foreign_key="judging_round.id")
    status: str = "provisional"  # provisional | frozen | reopened
    start_date: date
    objection_days: int = 5
    holidays: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))  # JSON ISO dates
    workdays: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    settings_json: str = Field(sa_column=Column(Text, nullable=False))  # method, seed, awards (bundle format)
    list_json: str = Field(sa_column=Column(Text, nullable=False))
    scores_sha256: str = ""  # of the canonical scores CSV the list was computed from
    contact: str = ""  # where objections go (shown on the 公示)
    created_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    frozen_by: str = ""
    frozen_at: datetime | None = None


class PublicationChange(SQLModel, table=True):
    """One change to an entry's tier on a published list, with its reason and source."""

    __tablename__ = "publication_change"
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    entry_code: str
    tier_before: str = ""
    tier_after: str = ""
    reason: str = Field(sa_column=Column(Text, nullable=False))
    source: str = "manual"  # manual | objection:<id> | reopening:<id>
    actor: str = ""
    at: datetime = Field(default_factory=utcnow)


class Objection(SQLModel, table=True):
    """异议: a real-name objection to an entry on the list, and how it was resolved."""

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    entry_code: str
    name: str  # real name (实名)
    contact: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    attachments: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # links, one a line
    received_on: date
    status: str = "open"  # open | upheld | rejected
    resolution: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    resolved_by: str = ""
    resolved_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PublicationReopening(SQLModel, table=True):
    """A logged reopening of a frozen list: who, when and why."""

    __tablename__ = "publication_reopening"
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = ""
    at: datetime = Field(default_factory=utcnow)


class RoundEntry(SQLModel, table=True):
    """An entry that goes on to a later round (晋级), in presentation order, with its live-final state.

    A round without rows takes every entry of its edition (the first round).
    """

    __tablename__ = "round_entry"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    position: int = 0
    live_state: str = ""  # "" (waiting) | open | closed  — 路演答辩: one entry open at a time
    opened_at: datetime | None = None
    closed_at: datetime | None = None


class PanelMember(SQLModel, table=True):
    """A judge on the panel of a live round (终评/路演): they score each entry while it is open."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("round_id", "judge_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)


# --- trust: sign-in limits ---------------------------------------------------------------------

class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted per user name and per client address; in the database so that every
    replica behind the proxy shares them."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("kind", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # user | address
    key: str
    failures: int = 0
    window_start: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None


# --- award settings and the panel's decisions ---------------------------------------------------

class RoundAwardSettings(SQLModel, table=True):
    """One version of a round's award settings (tiers, quotas, minimum scores, tie-break chain), in the
    award TOML format as JSON; every save adds a version, the previous ones are kept."""

    __tablename__ = "round_award_settings"
    __table_args__ = (UniqueConstraint("round_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    version: int
    settings_json: str = Field(sa_column=Column(Text, nullable=False))
    source: str = "form"  # form | toml
    created_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class PanelDecision(SQLModel, table=True):
    """The panel's decision on an entry it had to discuss (keep its tier, move it, send it to 复评, add
    judges), with the reason and who was present; the latest decision on an entry is the one applied."""

    __tablename__ = "panel_decision"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    entry_code: str
    decision: str  # keep | move | review | extra_judges
    tier: str = ""  # the tier it moves to (move; empty = no award)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    present: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # names, one a line
    actor: str = ""
    at: datetime = Field(default_factory=utcnow)


# --- trust: signed-in sessions -----------------------------------------------------------------

class SessionToken(SQLModel, table=True):
    """A browser's signed-in session: only the SHA-256 of its random token is stored (a copy of this
    table signs nobody in), with its absolute expiry, the last activity seen and its revocation.
    In the database so that a reload, a server restart or another replica restores the same session."""

    __tablename__ = "session_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(unique=True, index=True)  # hex SHA-256 of the token the browser holds
    role: str  # the account's role when it signed in: a changed role signs the session out
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    revoked_reason: str = ""  # sign_out | idle | organiser | disabled | password | inactive | role_changed


class FormPress(SQLModel, table=True):
    """A form's press that a write stored (``judging.store.db.claim_press``): one row per press, so that a
    second run of the same press (a double click whose runs overlap) stores nothing. Not a fact of the
    contest; the write it guards is sealed and has its event."""

    __tablename__ = "form_press"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # "<tab session id>/<tab token>/<form name>#<n>" (judging.ui.forms)
    stored_at: datetime = Field(default_factory=utcnow)


# --- tamper evidence: row seals ----------------------------------------------------------------

class RowSeal(SQLModel, table=True):
    """The seal of one row of a fact table: its content as written by the app and a keyed digest of
    it (``judging/store/seals.py``); ``audit verify`` compares every row with its seal. The row
    ``("audit_event", 0)`` seals the trail's last event, so that deleting it is noticed."""

    __tablename__ = "row_seal"
    __table_args__ = (UniqueConstraint("table_name", "row_id"),)
    id: int | None = Field(default=None, primary_key=True)
    table_name: str
    row_id: int
    content: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of the row's columns
    event_id: int | None = None  # the newest audit event of the transaction that wrote the row
    digest: str = ""


class PublicationAnchor(SQLModel, table=True):
    """What a publication's printed list is checked against, recorded at its publish and at every freeze:
    the bundle's digest (and its per-file checksums, to say which file changed) and the signed
    checkpoint of the audit trail written in the same transaction."""

    __tablename__ = "publication_anchor"
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    kind: str  # publish | freeze
    bundle_digest: str
    bundle_sums: str = Field(sa_column=Column(Text, nullable=False))  # the bundle's SHA256SUMS
    checkpoint_event_id: int
    checkpoint_digest: str
    public_key: str  # Ed25519, hex: checks the checkpoint's signature without the audit key
    at: datetime = Field(default_factory=utcnow)


# Tables of later areas live in their own modules (so that several people can add tables without
# editing the same lines); importing them here registers them with the metadata.
from judging.store import models_documents, models_mail, models_materials, models_write_path  # noqa: E402, F401
