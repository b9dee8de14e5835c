"""One error family (macros/errors.py, issue #10): everything the handbook refuses is a HandbookError,
and the command line turns any of them into its message and exit code 1, with no traceback."""
from __future__ import annotations

import pytest


def test_every_refusal_is_a_handbook_error_and_the_old_value_errors_still_are():
    from macros import errors

    for cls in (errors.ConfigError, errors.SettingError, errors.DataError, errors.UnknownId,
                errors.DuplicateHtmlId, errors.PageError, errors.BuildError):
        assert issubclass(cls, errors.HandbookError), cls
    for cls in (errors.ConfigError, errors.SettingError, errors.DataError):
        assert issubclass(cls, ValueError), cls  # callers that caught ValueError still do
    # the names older code and tests import from elsewhere are the same classes
    from macros.data import HandbookError
    from macros.pages import PageError
    from macros.render import UnknownId

    assert (HandbookError, PageError, UnknownId) == (errors.HandbookError, errors.PageError, errors.UnknownId)


@pytest.mark.parametrize("error", ["unknown-id", "build", "data"])
def test_the_command_line_prints_any_handbook_error_and_returns_1(error, monkeypatch, capsys):
    import macros.__main__ as cli
    from macros import errors

    raised = {"unknown-id": errors.UnknownId("macro 'figure': unknown list id 'x'; known ids: a, b"),
              "build": errors.BuildError("build failed: site was left as it was"),
              "data": errors.DataError([errors.Problem("data/lists.yml", 3, "is wrong", "x", "text")])}[error]

    def check(settings):
        raise raised

    monkeypatch.setattr(cli, "check", check)
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert str(raised) in err and "Traceback" not in err
    if error == "data":
        assert "data/lists.yml:3: item 'x': field 'text': is wrong" in err and "Nothing was built" in err


def test_an_unreadable_config_is_a_config_error_with_file_and_line(tmp_path, capsys):
    import macros.__main__ as cli

    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: x\nextra:\n  handbook:\n    namespace: Not Kebab\n", encoding="utf-8")
    assert cli.main(["-f", str(cfg), "check"]) == 1
    err = capsys.readouterr().err
    assert ":4: extra.handbook.namespace: 'Not Kebab' is not a valid namespace" in err
    assert "Nothing was built; fix the config file and run again." in err
