"""The idle time-out setting: parsing (fractions allowed, clear errors) and how often an idle tab is checked."""

from __future__ import annotations

import pytest

from judging.core.signin_limits import (
    DEFAULT_SESSION_IDLE_MINUTES,
    SESSION_IDLE_ENV,
    idle_check_seconds,
    minutes_text,
    session_idle_minutes,
)
from judging.errors import ConfigError


@pytest.mark.parametrize(("raw", "expected"), [
    (None, DEFAULT_SESSION_IDLE_MINUTES),
    ("", DEFAULT_SESSION_IDLE_MINUTES),
    ("  ", DEFAULT_SESSION_IDLE_MINUTES),
    ("30", 30),
    (" 45 ", 45),
    ("0.5", 0.5),
    ("0.2", 0.2),
    ("1e1", 10),
])
def test_idle_minutes_setting_accepts_positive_numbers(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv(SESSION_IDLE_ENV, raising=False)
    else:
        monkeypatch.setenv(SESSION_IDLE_ENV, raw)

    assert session_idle_minutes() == expected


@pytest.mark.parametrize("raw", ["0", "-5", "0.0", "abc", "1,5", "30min", "nan", "inf", "-inf"])
def test_idle_minutes_setting_refuses_anything_else_and_says_what_to_write(monkeypatch, raw):
    monkeypatch.setenv(SESSION_IDLE_ENV, raw)

    with pytest.raises(ConfigError) as error:
        session_idle_minutes()

    assert error.value.render("en") == (
        f"JUDGING_SESSION_IDLE_MINUTES is set to “{raw}”, which is not usable: give a positive number of "
        "minutes (e.g. 60 or 0.5), or remove it for the default of 60."
    )


@pytest.mark.parametrize(("idle_minutes", "seconds"), [
    (60, 60),  # the default: signed out at most a minute late
    (480, 60),
    (4, 60),
    (2, 30),  # short time-outs: a quarter of the time-out
    (0.2, 3),
    (0.01, 1),  # never more than once a second
])
def test_idle_check_interval_is_a_quarter_of_the_time_out_between_one_second_and_a_minute(idle_minutes, seconds):
    assert idle_check_seconds(idle_minutes) == pytest.approx(seconds)


@pytest.mark.parametrize(("value", "text"), [(60, "60"), (60.0, "60"), (0.5, "0.5"), (0.25, "0.25"), (90.0, "90")])
def test_minutes_text_drops_a_trailing_point_zero(value, text):
    assert minutes_text(value) == text
