"""Sign-in limits: how many failures lock a user name or an address, for how long, and the idle time-out.

Pure decisions over counters; the counters themselves live in the database (``judging.store.throttle``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

# NIST SP 800-63B §5.2.2 allows at most 100 consecutive failures per account; we lock much earlier
# because judges' passwords are generated and handed out, so a real judge rarely mistypes 5 times.
MAX_FAILURES_PER_USER = 5
# An address is often a whole office or hotel behind one NAT (a panel of judges): a higher bar.
MAX_FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
LOCKOUT = timedelta(minutes=15)  # how long a user name or address stays locked
DEFAULT_SESSION_IDLE_MINUTES = 60  # a judge reading a long application stays signed in
SESSION_IDLE_ENV = "JUDGING_SESSION_IDLE_MINUTES"

USER = "user"
ADDRESS = "address"
LIMITS = {USER: MAX_FAILURES_PER_USER, ADDRESS: MAX_FAILURES_PER_ADDRESS}


@dataclass
class Counter:
    failures: int
    window_start: datetime
    locked_until: datetime | None


def remaining_lock(counter: Counter | None, now: datetime) -> timedelta:
    """How long the counter is still locked (zero when it is not)."""
    if counter is None or counter.locked_until is None or counter.locked_until <= now:
        return timedelta(0)
    return counter.locked_until - now


def after_failure(counter: Counter, *, kind: str, now: datetime) -> Counter:
    """The counter after one more failure: a new window when the old one ran out, locked at the limit."""
    if now - counter.window_start > FAILURE_WINDOW or (counter.locked_until and counter.locked_until <= now):
        counter = Counter(failures=0, window_start=now, locked_until=None)
    failures = counter.failures + 1
    locked = now + LOCKOUT if failures >= LIMITS[kind] else counter.locked_until
    return Counter(failures=failures, window_start=counter.window_start, locked_until=locked)


def minutes(delta: timedelta) -> int:
    """Whole minutes to tell the user, rounded up (never 0 while locked)."""
    return max(1, -(-int(delta.total_seconds()) // 60))


def session_idle_minutes() -> int:
    """The idle time-out in minutes: ``JUDGING_SESSION_IDLE_MINUTES`` (a positive integer) or the default."""
    try:
        value = int(os.environ.get(SESSION_IDLE_ENV, ""))
    except ValueError:
        return DEFAULT_SESSION_IDLE_MINUTES
    return value if value > 0 else DEFAULT_SESSION_IDLE_MINUTES
