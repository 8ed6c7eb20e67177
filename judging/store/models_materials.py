"""SQLModel tables for entry materials; imported by ``judging.store.models`` so that the migrations see them.

A file's bytes are stored once, named by their SHA-256 (``material_blob``); each attachment of a file to
an entry is a ``material`` row that refers to the bytes by that digest. Attachments are withdrawn, never
deleted: the bundle of a publication lists the materials as they were when the list was published.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from judging.store.times import utcnow


class MaterialBlob(SQLModel, table=True):
    """The bytes of one file, content-addressed: the same file attached twice is stored once."""

    __tablename__ = "material_blob"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, index=True)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Material(SQLModel, table=True):
    """A file attached to an entry (申报书, images, a DOCX), by its digest; ``identifying``: hidden in a
    blind round (it names the applicant). ``attached_event_id``/``withdrawn_event_id`` are the audit
    events of the attachment and of its withdrawal, which place it before or after a publication."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    file_name: str
    kind: str  # pdf | png | jpeg | docx
    content_type: str
    sha256: str = Field(index=True)
    size: int
    identifying: bool = False
    attached_by: str = ""
    attached_at: datetime = Field(default_factory=utcnow)
    attached_event_id: int | None = None
    withdrawn_by: str = ""
    withdrawn_at: datetime | None = None
    withdrawn_event_id: int | None = None
