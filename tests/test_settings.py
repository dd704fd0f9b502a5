"""One settings object: every field says what it does, and each is read from FOOTNOTE_<NAME>."""

from __future__ import annotations

from footnote.settings import Settings


def test_every_setting_is_described():
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_settings_come_from_footnote_variables(monkeypatch):
    monkeypatch.setenv("FOOTNOTE_TOP_K", "5")
    monkeypatch.setenv("FOOTNOTE_WATCH", "false")
    monkeypatch.setenv("FOOTNOTE_CACHE_DIR", "/tmp/footnote-cache-test")
    settings = Settings()
    assert (settings.top_k, settings.watch, str(settings.cache_dir)) == (5, False, "/tmp/footnote-cache-test")
