"""The server's clock in tests: freezing a 公示 list goes by ``judging.store.publication.today``, which
nobody can type; a test sets the day it runs on with ``on_day``.

Imported as ``clock`` (``pythonpath = ["tests"]`` in pyproject.toml).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from unittest import mock

from judging.store import publication


@contextmanager
def on_day(day: date):
    with mock.patch.object(publication, "today", return_value=day):
        yield


def freeze_on(day: date, session, **kwargs):
    """``publication.freeze`` as the server would run it on ``day``."""
    with on_day(day):
        return publication.freeze(session, **kwargs)
