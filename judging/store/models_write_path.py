"""SQLModel tables for audit chains of the write path; imported by ``judging.store.models`` so that the migrations see them."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

MAIN_CHAIN = "main"  # the chain of the system, the CLI and every event written before chains existed


class AuditChain(SQLModel, table=True):
    """The head of one chain of the audit trail (``judging/store/write_path.py``): its newest event (id
    and keyed digest), how many events it holds, and the row seals' per-table tally (count and XOR of
    digests) of the transactions that extended it, under one keyed digest. Writers of different chains
    do not wait for each other; ``audit verify`` checks every head against its chain and adds the tallies
    of all heads up against the seals."""

    __tablename__ = "audit_chain"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)  # main | user:<account id>
    last_event_id: int | None = None
    last_hash: str = ""
    events: int = 0
    tables: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # {table: [n, xor]}
    digest: str = ""
