"""Shared fixtures: the profile, a freshly built template, the sample workbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlfin.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def profile():
    return load_profile("nmg-2023", 2023)


@pytest.fixture(scope="session")
def built_template(tmp_path_factory, profile) -> Path:
    from xlfin.io.template import write_template

    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    write_template(profile, path)
    return path
