"""The dependency audit's own data (the audit itself runs in .ci/run: it needs the network)."""

from talanoa.audit import JUSTIFICATIONS, justified, locked_packages


def test_every_justification_names_a_locked_package_at_its_version():
    import tomllib

    packages = locked_packages()
    for entry in tomllib.loads(JUSTIFICATIONS.read_text())["justified"]:
        assert packages.get(entry["package"]) == entry["version"], (
            f"{entry['package']} {entry['version']} is no longer locked: remove or update its "
            "justification")
        assert len(entry["why"].split()) >= 5


def test_the_lock_is_read_with_its_versions():
    packages = locked_packages()
    assert packages["django"].startswith("6.1")
    assert len(packages) > 50 and ("talanoa" not in packages)
    assert justified()  # the file parses into (package, id) → reason
