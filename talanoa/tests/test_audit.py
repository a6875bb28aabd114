"""The dependency audit's own data (the audit itself runs in .ci/run: it needs the network)."""

import tomllib

from talanoa.audit import JUSTIFICATIONS, justified, locked_packages


def test_every_justification_names_a_locked_package_at_its_version():
    packages = locked_packages()
    for entry in tomllib.loads(JUSTIFICATIONS.read_text())["justified"]:
        assert packages.get(entry["package"]) == entry["version"], (
            f"{entry['package']} {entry['version']} is no longer locked: remove or update its "
            "justification")
        assert len(entry["why"].split()) >= 5


def test_a_justification_is_read_by_package_and_advisory(tmp_path):
    path = tmp_path / "justifications.toml"
    path.write_text('[[justified]]\npackage = "django"\nversion = "6.1.3"\n'
                    'id = "PYSEC-2099-1"\nwhy = "not reachable in Talanoa"\n')
    assert justified(path) == {("django", "PYSEC-2099-1"): "not reachable in Talanoa"}


def test_the_lock_is_read_with_its_versions():
    packages = locked_packages()
    assert packages["django"].startswith("6.1")
    assert len(packages) > 50 and "talanoa" not in packages
