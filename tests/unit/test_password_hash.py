"""Passwords: scrypt in production, a cheap hash under test, and every stored hash keeps verifying."""
from __future__ import annotations

from werkzeug.security import check_password_hash

from engine.people.accounts import hash_password


def test_production_hashes_with_scrypt(monkeypatch):
    monkeypatch.delenv("FAO_TEST_PASSWORD_HASH", raising=False)
    stored = hash_password("demo123")
    assert stored.startswith("scrypt:")
    assert check_password_hash(stored, "demo123") and not check_password_hash(stored, "demo124")


def test_the_tests_cheap_hash_and_an_earlier_scrypt_hash_both_verify(monkeypatch):
    monkeypatch.delenv("FAO_TEST_PASSWORD_HASH", raising=False)
    earlier = hash_password("demo123")
    monkeypatch.setenv("FAO_TEST_PASSWORD_HASH", "pbkdf2:sha256:1")
    cheap = hash_password("demo123")
    assert cheap.startswith("pbkdf2:sha256:1$")
    assert check_password_hash(cheap, "demo123") and check_password_hash(earlier, "demo123")
