"""SQLModel tables for entry materials; imported by ``judging.store.models`` so that the migrations see them."""

from __future__ import annotations
