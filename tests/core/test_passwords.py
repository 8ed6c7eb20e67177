"""Password hashing: argon2id hashes that verify the right password only."""

from __future__ import annotations

from judging.core.passwords import hash_password, needs_rehash, verify_password


def test_hash_verifies_the_password_and_nothing_else():
    hashed = hash_password("demo2026")

    assert hashed.startswith("$argon2id$")
    assert verify_password("demo2026", hashed)
    assert not verify_password("demo2027", hashed)
    assert not needs_rehash(hashed)


def test_same_password_hashes_differently_each_time():
    assert hash_password("评委密码") != hash_password("评委密码")


def test_empty_or_malformed_hash_never_verifies():
    assert not verify_password("", "")
    assert not verify_password("demo2026", "")
    assert not verify_password("demo2026", "not-a-hash")
