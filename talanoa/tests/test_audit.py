"""The dependency audit: its data, and its verdict on PyPI's answers as CI received them
(talanoa/tests/data/pypi_answers.json; the audit itself runs in .ci/run: it needs the network)."""

import json
import tomllib
import urllib.error
from pathlib import Path

import pytest

from talanoa.audit import (
    JUSTIFICATIONS,
    audit_on_pypi,
    check_on_pypi,
    justified,
    justified_unchecked,
    locked_packages,
)

RECORDED = json.loads((Path(__file__).parent / "data" / "pypi_answers.json").read_text())
ECDSA_ADVISORIES = ["PYSEC-2026-1325", "GHSA-wj6h-64fc-37mp"]  # ecdsa's newest release


def recorded(url: str) -> dict | None:
    """PyPI's answer to `url` as recorded; a page it was not asked for is one it lacks."""
    answer = RECORDED["answers"].get(url, {"status": 404})
    return answer["body"] if answer["status"] == 200 else None


def _audit(packages: dict[str, str], tmp_path, justifications: str = "", fetch=recorded):
    path = tmp_path / "justifications.toml"
    path.write_text(justifications)
    said: list[str] = []
    return audit_on_pypi(packages, fetch=fetch, justifications=path, say=said.append), said


def test_every_justification_names_a_locked_package_at_its_version():
    packages = locked_packages()
    entries = tomllib.loads(JUSTIFICATIONS.read_text())
    for entry in [*entries["justified"], *entries["unchecked"]]:
        assert packages.get(entry["package"]) == entry["version"], (
            f"{entry['package']} {entry['version']} is no longer locked: remove or update its "
            "justification")
        assert len(entry["why"].split()) >= 5


def test_a_justification_is_read_by_package_and_advisory(tmp_path):
    path = tmp_path / "justifications.toml"
    path.write_text('[[justified]]\npackage = "django"\nversion = "6.1.3"\n'
                    'id = "PYSEC-2099-1"\nwhy = "not reachable in Talanoa"\n'
                    '[[unchecked]]\npackage = "idna"\nversion = "3.20"\n'
                    'why = "held back by a pin"\n')
    assert justified(path) == {("django", "PYSEC-2099-1"): "not reachable in Talanoa"}
    assert justified_unchecked(path) == {("idna", "3.20"): "held back by a pin"}


def test_the_lock_is_read_with_its_versions():
    packages = locked_packages()
    assert packages["django"].startswith("6.1")
    assert len(packages) > 50 and "talanoa" not in packages


def test_a_package_that_cannot_be_checked_fails_the_audit_by_name(tmp_path):
    # idna 3.20 is behind 3.21, and the mirror CI reaches has no page for 3.20 itself: the
    # audit passed on this, with "0 known vulnerabilities".
    code, said = _audit({"idna": "3.20", "django": "6.1.3"}, tmp_path)
    assert code == 1
    assert any(line.startswith("  idna 3.20: unchecked, locked behind the newest release (3.21)")
               and line.endswith("NOT JUSTIFIED") for line in said)
    assert said[-1].startswith("audit: FAILED: not checked") and "idna" in said[-1]
    assert "django" not in said[-1]
    assert "1 of 2 locked packages checked" in said[-2]


def test_an_unchecked_package_passes_only_with_a_reason_for_its_locked_version(tmp_path):
    entry = '[[unchecked]]\npackage = "idna"\nversion = "{}"\nwhy = "held back by a pin"\n'
    code, said = _audit({"idna": "3.20"}, tmp_path, entry.format("3.20"))
    assert code == 0 and "justified: held back by a pin" in said[0]
    code, said = _audit({"idna": "3.20"}, tmp_path, entry.format("3.19"))  # an older lock's
    assert code == 1 and "idna" in said[-1]


def test_a_known_vulnerability_fails_unless_justified(tmp_path):
    code, said = _audit({"ecdsa": "0.19.2", "django": "6.1.3"}, tmp_path)
    assert code == 1
    assert said[-1] == ("audit: FAILED: known vulnerabilities not justified: "
                        "ecdsa PYSEC-2026-1325, ecdsa GHSA-wj6h-64fc-37mp")
    reasons = "".join(f'[[justified]]\npackage = "ecdsa"\nversion = "0.19.2"\nid = "{advisory}"'
                      '\nwhy = "Talanoa signs nothing with ecdsa"\n'
                      for advisory in ECDSA_ADVISORIES)
    assert _audit({"ecdsa": "0.19.2"}, tmp_path, reasons)[0] == 0


def test_a_release_behind_the_newest_is_checked_where_pypi_answers_for_it():
    # PyPI (not the mirror) answers /pypi/<name>/<version>/json with that release's advisories.
    ecdsa = RECORDED["answers"]["https://pypi.org/pypi/ecdsa/json"]["body"]
    pages = {"https://pypi.org/pypi/ecdsa/json": ecdsa,
             "https://pypi.org/pypi/ecdsa/0.19.1/json": {**ecdsa, "info": {"version": "0.19.1"}}}
    check = check_on_pypi("ecdsa", "0.19.1", fetch=pages.get)
    assert (check.advisories, check.unchecked) == (ECDSA_ADVISORIES, "")


def test_no_answer_from_pypi_leaves_the_package_unchecked_not_a_crash(tmp_path):
    def unreachable(url: str) -> dict | None:
        if "/django/" in url:
            raise urllib.error.URLError("timed out")
        return recorded(url)

    code, said = _audit({"django": "6.1.3", "ecdsa": "0.19.2"}, tmp_path, fetch=unreachable)
    assert code == 1
    assert "django 6.1.3: unchecked, no usable answer from PyPI" in said[0]
    assert "django" in said[-2] and "ecdsa PYSEC-2026-1325" in said[-1]


@pytest.mark.parametrize("version", ["6.1.3", "6.1.2"])
def test_a_package_at_its_newest_release_is_checked_from_the_projects_answer(version):
    check = check_on_pypi("django", version, fetch=recorded)
    assert bool(check.unchecked) == (version != "6.1.3") and check.advisories == []
