"""Generated passwords and the sign-in handout CSV (judging.core.handout)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from judging.core.exports import formula_safe
from judging.core.handout import PASSWORD_ALPHABET, PASSWORD_LENGTH, Account, accounts_csv, prepare_passwords


def test_prepared_passwords_are_distinct_hashed_and_reported():
    seen = []
    prepared = prepare_passwords(["a", "b", "c"], hash_password=lambda p: "h:" + p, progress=seen.append)
    assert list(prepared) == ["a", "b", "c"]
    assert all(h.hash == "h:" + p and h.one_time for p, h in prepared.values())
    assert len({p for p, _ in prepared.values()}) == 3
    assert all(len(p) == PASSWORD_LENGTH and set(p) <= set(PASSWORD_ALPHABET) for p, _ in prepared.values())
    assert seen == [1 / 3, 2 / 3, 1.0]


def test_handout_has_bom_chinese_headers_and_formula_safe_cells():
    data = accounts_csv([Account("w01", "=HYPERLINK(\"x\")", "甲大学", "abcDEF234567")], sign_in_url="http://host/")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["账号", "姓名", "单位", "初始密码", "登录地址"],
                    ["w01", "'=HYPERLINK(\"x\")", "甲大学", "abcDEF234567", "http://host/"]]


@settings(deadline=None, max_examples=50)
@given(st.lists(st.text(min_size=1, max_size=20), max_size=5))
def test_handout_round_trips_any_names(names):
    accounts = [Account(f"u{i}", n, n, "pw") for i, n in enumerate(names)]
    rows = list(csv.reader(io.StringIO(accounts_csv(accounts, lang="en").decode("utf-8-sig"), newline="")))
    assert len(rows) == len(names) + 1
    assert [r[1] for r in rows[1:]] == [formula_safe(n) for n in names]
