"""SQLModel tables for document settings; imported by ``judging.store.models`` so that the migrations see them.

An edition's documents are signed by its issuer (主办单位) and numbered by its certificate scheme. Every
save is a new version (the previous ones are kept, as award settings are), so that a document made
earlier can be matched with the settings it was made with.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from judging.store.times import utcnow


class EditionDocumentSettings(SQLModel, table=True):
    """One version of an edition's document settings: the issuer, the certificate number scheme and
    the organiser's certificate prefix per track (JSON: track key -> prefix)."""

    __tablename__ = "edition_document_settings"
    __table_args__ = (UniqueConstraint("edition_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    version: int
    issuer: str = Field(sa_column=Column(Text, nullable=False))
    certificate_scheme: str
    track_prefixes_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)
