"""The F distribution's upper tail the calibrated fit uses (``_f_sf``, through scipy.special so that a
command need not import scipy.stats) agrees with scipy.stats.f.sf."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import f

from judging.core.ranking.calibrated import _f_sf


@settings(max_examples=300, deadline=None, derandomize=True)
@given(x=st.floats(min_value=-5, max_value=1e4, allow_nan=False),
       d1=st.integers(min_value=1, max_value=2000), d2=st.integers(min_value=1, max_value=200_000))
def test_the_f_tail_agrees_with_scipy_stats(x, d1, d2):
    # (the case CI found with the first form, 1.04e-8 apart: x = 2.8e-13, d1 = 1, d2 = 332, is below)
    assert abs(_f_sf(x, d1, d2) - float(f.sf(max(x, 0.0), d1, d2))) < 1e-10


def test_the_f_tail_near_zero_where_the_first_form_lost_precision():
    assert abs(_f_sf(2.808998122926803e-13, 1, 332) - float(f.sf(2.808998122926803e-13, 1, 332))) < 1e-15


def test_the_f_tail_far_out_with_one_degree_of_freedom_below():
    assert abs(_f_sf(6399.0, 1020, 1) - float(f.sf(6399.0, 1020, 1))) < 1e-12
