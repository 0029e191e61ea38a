"""The command line's language: --lang CODE, else the environment (LANGUAGE, LC_ALL, LC_MESSAGES,
LANG), else English; an unknown language is a usage error naming the offered ones; --json output is
the same whatever the language."""

from __future__ import annotations

import pytest

from core import i18n
from core.i18n import LANGUAGES, pseudo
from tests.cli.conftest import ADMIN_PW

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    """No language from the test machine's environment; English again for the tests after."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
    i18n.set_language("en")


@pytest.fixture
def init_cli(cli):
    """A new site with its administrator 'ada' (and the built-in templates, drafts)."""
    r = cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW)
    assert r.code == 0, r.err
    return cli


def test_help_is_in_the_language_asked_for(cli):
    r = cli("--lang", "pseudo", "batch", "--help")
    assert r.code == 0
    assert pseudo("record the value of a check") in r.out
    assert "record the value of a check" not in r.out
    r = cli("batch", "--help")  # without --lang (and nothing in the environment): English
    assert r.code == 0 and "record the value of a check" in r.out


def test_a_usage_error_of_a_command_is_in_the_language_asked_for(cli):
    r = cli("--lang=pseudo", "backup")
    assert r.code == 2
    assert pseudo("give either -o FILE (with --user) or --if-due") in r.err


def test_human_output_is_translated_before_or_after_the_command(init_cli):
    english = init_cli("user", "list")
    assert english.code == 0 and "USERNAME" in english.out
    for argv in (("--lang", "pseudo", "user", "list"), ("user", "list", "--lang", "pseudo")):
        r = init_cli(*argv)
        assert r.code == 0, r.err
        assert pseudo("USERNAME") in r.out and pseudo("FULL NAME") in r.out
        assert "ada" in r.out and "Ada Admin" in r.out  # data stays as it is
        assert i18n.language() == "pseudo"


def test_the_environment_chooses_the_language_without_lang(cli, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert cli("profiles").code == 0
    assert i18n.language() == "ko"
    assert cli("--lang", "de", "profiles").code == 0  # --lang wins over the environment
    assert i18n.language() == "de"
    monkeypatch.setenv("LANGUAGE", "fr:zh_CN")  # the first offered one of the list
    assert cli("profiles").code == 0
    assert i18n.language() == "zh_CN"
    monkeypatch.setenv("LC_ALL", "C")  # asks for none: English
    monkeypatch.delenv("LANGUAGE")
    assert cli("profiles").code == 0
    assert i18n.language() == "en"


def test_the_environment_reaches_the_parser_help(cli, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "pseudo")
    r = cli("batch", "--help")
    assert r.code == 0 and pseudo("record the value of a check") in r.out


@pytest.mark.parametrize("form", ["de", "ko", "zh_CN", "en", "pseudo", "de_DE.UTF-8", "Deutsch"])
def test_every_offered_form_is_accepted(cli, form):
    assert cli("--lang", form, "profiles").code == 0
    assert i18n.language() == i18n.language_of(form)


def test_an_unknown_language_is_refused_naming_the_offered_ones(cli):
    r = cli("--lang", "fr", "profiles")
    assert r.code == 2  # as any usage error
    assert "'fr' is not a language Lotbook is offered in" in r.err
    for code, name in LANGUAGES.items():
        assert f"{code} ({name})" in r.err
    assert r.out == ""
    r = cli("profiles", "--lang=zh_TW")  # Traditional Chinese is not offered
    assert r.code == 2 and "'zh_TW' is not a language" in r.err


def test_main_routes_lang_as_a_global_option(capsys):
    import main

    assert main._is_command(["--lang", "de", "batch", "list"])
    assert main._is_command(["--lang=de", "--db", "x.db", "review", "LOT"])
    assert not main._is_command(["--lang", "de"]) and not main._is_command(["--lang=ko", "--demo"])
    assert main.main(["--lang", "fr", "--demo"]) == 2  # refused before the app starts
    err = capsys.readouterr().err
    assert "'fr' is not a language Lotbook is offered in" in err and "de (Deutsch)" in err


def test_json_output_is_the_same_whatever_the_language(init_cli, monkeypatch):
    commands = (
        ("user", "list", "--json"),
        ("template", "list", "--json"),
        ("settings", "show", "--json"),
        ("profiles", "--json"),
    )
    english = {argv: init_cli(*argv) for argv in commands}
    for argv, r in english.items():
        assert r.code == 0, (argv, r.err)
    for code in ("pseudo", "de", "ko", "zh_CN"):
        for argv in commands:
            r = init_cli("--lang", code, *argv)
            assert r.code == 0, r.err
            assert r.out == english[argv].out, (code, argv)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert init_cli("template", "list", "--json").out == english[commands[1]].out
