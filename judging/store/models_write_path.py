"""SQLModel tables for audit chains of the write path; imported by ``judging.store.models`` so that the migrations see them."""

from __future__ import annotations
