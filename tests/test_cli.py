"""The command line: help for every command, clear messages and exit code 2 for bad input."""

import os

import pytest
from typer.testing import CliRunner

from xlfin.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_help_for_every_command():
    res = run("--help")
    assert res.exit_code == 0
    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__
        r = run(name, "--help")
        assert r.exit_code == 0, name
        assert cmd.callback.__doc__, f"{name} has no help text"


def test_help_for_addin_commands():
    from xlfin.cli import addin_app

    assert run("addin", "--help").exit_code == 0
    for cmd in addin_app.registered_commands:
        assert run("addin", cmd.name, "--help").exit_code == 0, cmd.name
        assert cmd.callback.__doc__


def test_template_writes_and_lists(tmp_path):
    out = tmp_path / "t.xlsx"
    res = run("template", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.exists()
    assert "公开11表" in res.output


def test_template_refuses_existing_file(tmp_path):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"keep me")
    res = run("template", "-o", str(out))
    assert res.exit_code == 2
    assert "输出文件已存在" in res.output and "--force" in res.output
    assert out.read_bytes() == b"keep me"
    assert run("template", "-o", str(out), "--force", "-q").exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    "args,message",
    [
        (("--profile", "nope"), "未知的格式（profile）“nope”"),
        (("--year", "2019"), "不适用于 2019 年度"),
    ],
)
def test_template_bad_profile_or_year(tmp_path, args, message):
    res = run("template", "-o", str(tmp_path / "x.xlsx"), *args)
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.xlsx").exists()


def test_template_missing_folder(tmp_path):
    res = run("template", "-o", str(tmp_path / "no" / "x.xlsx"))
    assert res.exit_code == 2
    assert "输出文件夹不存在" in res.output


def test_template_unwritable_folder(tmp_path, monkeypatch):
    # root may write anywhere, so the permission answer is simulated
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    res = run("template", "-o", str(tmp_path / "x.xlsx"))
    assert res.exit_code == 2
    assert "没有写入权限" in res.output


def test_written_files_get_normal_permissions(tmp_path):
    out = tmp_path / "t.xlsx"
    assert run("template", "-o", str(out), "-q").exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_readme_command_table_matches_the_cli():
    """Every command of `xlfin --help` is in the README's command table, and nothing else is."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands") : readme.index("Rules have stable ids")]
    documented = set(re.findall(r"`xlfin ([a-z]+)", table))
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    commands |= {g.name for g in app.registered_groups}
    assert documented == commands
