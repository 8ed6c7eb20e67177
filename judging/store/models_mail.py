"""SQLModel tables for mail log and paper score sheets; imported by ``judging.store.models`` so that the migrations see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from judging.store.times import utcnow


class MailMessage(SQLModel, table=True):
    """One invitation or reminder to one judge, written (``pending``) before it is sent.

    One row per (kind, round, judge, batch): a second click, a second tab or a second replica finds
    the row and sends nothing; a resend is a new batch, asked for explicitly. ``sent`` and ``failed``
    are written after the SMTP server's answer; a row left ``pending`` was claimed and never answered
    (the process stopped mid-send): it is listed, never sent again silently.
    """

    __tablename__ = "mail_message"
    __table_args__ = (UniqueConstraint("kind", "round_id", "judge_id", "batch"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # invite | remind
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    batch: int = 1
    state: str = "pending"  # pending | sent | failed
    recipient: str = ""
    subject: str = ""
    password_issued: bool = False  # a one-time password went with it (an invitation to a judge who never signed in)
    attempts: int = 1
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PaperSheet(SQLModel, table=True):
    """A printed score sheet of one judge on one entry: its id (the row's serial with a check
    character) is what the organiser's staff type back; ``typed_at`` once its scores are in."""

    __tablename__ = "paper_sheet"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="judging_round.id", index=True)
    judge_id: int = Field(foreign_key="app_user.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    printed_by: str = ""
    printed_at: datetime = Field(default_factory=utcnow)
    typed_by: str = ""
    typed_at: datetime | None = None
