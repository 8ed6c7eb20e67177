"""The server's log: one line per event on standard error, as text or as JSON lines.

``JUDGING_LOG_FORMAT=json`` writes one JSON object per line (``time``, ``level``, ``logger``,
``message`` and the event's fields), for a log collector; the default is one readable line.
``JUDGING_LOG_LEVEL`` (default ``INFO``) sets how much. What is logged: every audit event once its
transaction is committed (sign-ins, refusals, every write; ``judging.store.event_log``) and every
error a user met, with its incident id (``judging.ui.incidents``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

LOGGER_NAME = "judging"
FORMATS = ("text", "json")
_HANDLER_MARK = "_judging_handler"
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    """A record as one JSON object: the standard fields, the event's own fields and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        line |= {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class Text(logging.Formatter):
    """A record as ``time level logger: message key=value ...``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_"))
        text = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.getMessage()}"
        text = f"{text} {fields}" if fields else text
        return f"{text}\n{self.formatException(record.exc_info)}" if record.exc_info else text


def configure(*, log_format: str | None = None, level: str | None = None, stream=None) -> logging.Logger:
    """Set up the ``judging`` logger once per process (calling again replaces its handler)."""
    log_format = (log_format or os.environ.get("JUDGING_LOG_FORMAT", "text")).strip().lower()
    level = (level or os.environ.get("JUDGING_LOG_LEVEL", "INFO")).strip().upper()
    logger = logging.getLogger(LOGGER_NAME)
    for handler in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if log_format == "json" else Text())
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    logger.propagate = False
    return logger


def get(name: str) -> logging.Logger:
    """A child logger (``judging.<name>``); it writes nowhere until ``configure`` has run."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}")
