"""SQLModel tables for document settings; imported by ``judging.store.models`` so that the migrations see them."""

from __future__ import annotations
