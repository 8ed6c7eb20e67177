"""SQLModel tables for mail log and paper score sheets; imported by ``judging.store.models`` so that the migrations see them."""

from __future__ import annotations
