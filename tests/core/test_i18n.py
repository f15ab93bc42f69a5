"""Every UI text the app builds exists in English, 繁體中文 and 简体中文."""

from __future__ import annotations

from playground import i18n
from playground.i18n import LANGS


def test_every_label_of_the_built_app_is_translated():
    from playground.app import build_app

    build_app()
    assert i18n.missing() == []
    for key in i18n.keys():
        en, hant, hans = (i18n.t(key, lang) for lang in LANGS)
        assert en and hant and hans, key


def test_unknown_key_shows_itself_and_is_reported():
    assert i18n.t("no.such.key", "zh-Hant") == "no.such.key"
    assert "no.such.key" in i18n.missing()
    i18n._MISSING.discard("no.such.key")


def test_traditional_and_simplified_differ_where_the_scripts_do():
    assert i18n.t("tokenizer.title", "zh-Hant") == "分詞器"
    assert i18n.t("tokenizer.title", "zh-Hans") == "分词器"
