"""Sign-in limits: how many failures lock a user name or an address, for how long, and the idle time-out
(the setting, and how often an idle tab is checked).

Pure decisions over counters; the counters themselves live in the database (``judging.store.throttle``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from judging.errors import ConfigError, Problem

# NIST SP 800-63B §5.2.2 allows at most 100 consecutive failures per account; we lock much earlier
# because judges' passwords are generated and handed out, so a real judge rarely mistypes 5 times.
MAX_FAILURES_PER_USER = 5
# An address is often a whole office or hotel behind one NAT (a panel of judges): a higher bar.
MAX_FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
LOCKOUT = timedelta(minutes=15)  # how long a user name or address stays locked
DEFAULT_SESSION_IDLE_MINUTES = 60  # a judge reading a long application stays signed in
SESSION_IDLE_ENV = "JUDGING_SESSION_IDLE_MINUTES"
# An idle tab is checked this often, so it is signed out at most this late: a minute on a one-hour
# time-out, a quarter of the time-out on short ones (demos, tests), never more than once a second.
IDLE_CHECK_MAX_S = 60
IDLE_CHECKS_PER_TIMEOUT = 4
IDLE_CHECK_MIN_S = 1
# A signed-in browser session ends this long after its sign-in, whatever the activity: a working day
# of scoring, after which a laptop left signed in overnight asks for the password again.
DEFAULT_SESSION_HOURS = 12
SESSION_HOURS_ENV = "JUDGING_SESSION_HOURS"
# The browser tells the server about activity at most this often (and the server records it in the
# database at most this often): a minute-scale idle time-out needs no finer grain, and a judge typing
# all day costs one small request per 20 s. Short time-outs (tests, demos) get a quarter of the time-out.
ACTIVITY_PING_MAX_S = 20
# The idle warning comes this long before the idle sign-out (at most half of a short time-out).
IDLE_WARNING_S = 60

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


def session_idle_minutes() -> float:
    """The idle time-out in minutes: ``JUDGING_SESSION_IDLE_MINUTES`` or the default when it is unset.

    Fractions are allowed (``0.5`` is 30 seconds). Raises ``ConfigError`` for anything that is not
    a positive number, rather than quietly keeping judges signed in for the default hour.
    """
    raw = os.environ.get(SESSION_IDLE_ENV, "").strip()
    if not raw:
        return DEFAULT_SESSION_IDLE_MINUTES
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(Problem("trust.bad_idle_minutes", {"name": SESSION_IDLE_ENV, "value": raw,
                                                         "default": DEFAULT_SESSION_IDLE_MINUTES}))
    return value


def session_hours() -> float:
    """The absolute lifetime of a signed-in session in hours: ``JUDGING_SESSION_HOURS`` or the default.

    Fractions are allowed; raises ``ConfigError`` for anything that is not a positive number.
    """
    raw = os.environ.get(SESSION_HOURS_ENV, "").strip()
    if not raw:
        return DEFAULT_SESSION_HOURS
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 24 * 366):
        raise ConfigError(Problem("session.bad_hours", {"name": SESSION_HOURS_ENV, "value": raw,
                                                       "default": DEFAULT_SESSION_HOURS}))
    return value


def activity_ping_seconds(idle_minutes: float) -> float:
    """How often at most the browser reports activity and the server stores it (``ACTIVITY_PING_MAX_S``)."""
    return max(IDLE_CHECK_MIN_S, min(ACTIVITY_PING_MAX_S, idle_minutes * 60 / IDLE_CHECKS_PER_TIMEOUT))


def idle_warning_seconds(idle_minutes: float) -> float:
    """How long before the idle sign-out the warning is shown (``IDLE_WARNING_S``)."""
    return min(IDLE_WARNING_S, idle_minutes * 60 / 2)


def minutes_text(value: float) -> str:
    """Minutes as people write them: ``60``, ``0.5`` (not ``60.0``)."""
    return f"{value:g}"


def idle_check_seconds(idle_minutes: float) -> float:
    """How often an idle tab is checked for the time-out (see ``IDLE_CHECK_MAX_S``)."""
    return max(IDLE_CHECK_MIN_S, min(IDLE_CHECK_MAX_S, idle_minutes * 60 / IDLE_CHECKS_PER_TIMEOUT))
