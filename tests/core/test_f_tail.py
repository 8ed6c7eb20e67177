"""The F distribution's upper tail the calibrated fit uses (``_f_sf``, through scipy.special so that a
command need not import scipy.stats) agrees with scipy.stats.f.sf."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import f

from judging.core.ranking.calibrated import _f_sf


@settings(max_examples=300, deadline=None)
@given(x=st.floats(min_value=-5, max_value=1e4, allow_nan=False),
       d1=st.integers(min_value=1, max_value=2000), d2=st.integers(min_value=1, max_value=200_000))
def test_the_f_tail_agrees_with_scipy_stats(x, d1, d2):
    assert abs(_f_sf(x, d1, d2) - float(f.sf(max(x, 0.0), d1, d2))) < 1e-8  # a p-value compared with a threshold of a few per cent
