"""Known vulnerabilities in the locked dependencies: `python -m talanoa.audit` (in .ci/run).

First `uv audit` (the OSV database, every locked version). Where OSV cannot be reached (this
project's CI reaches the package registries only) it falls back to PyPI's JSON answers, whose
"vulnerabilities" are the PyPA advisories of one release: a project's answer gives its newest
release's, exact for a package locked at it; for a package locked behind it, the answer of the
locked release itself is asked. Where neither answers (the mirror CI reaches has no page per
release; PyPI did not answer), the package is unchecked.

The run fails on every known vulnerability and on every unchecked package, naming each, unless
`talanoa/audit_justifications.toml` gives a reason for it: a vulnerability by package and
advisory id (`[[justified]]`), an unchecked package by package and locked version
(`[[unchecked]]`, so that a new lock is looked at again). Exit 0 means every locked package was
checked or justified and no vulnerability is left unjustified. An unchecked package was once a
warning, and the run passed with ten of them: "no known vulnerability" was then not known.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
JUSTIFICATIONS = Path(__file__).with_name("audit_justifications.toml")
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
PYPI_RELEASE_JSON = "https://pypi.org/pypi/{name}/{version}/json"

# A URL's JSON, or None when the registry answers that it has no such page (404).
Fetch = Callable[[str], dict[str, Any] | None]


def locked_packages(lock: Path = ROOT / "uv.lock") -> dict[str, str]:
    """Every package uv.lock takes from a registry, by name, with its version."""
    packages = tomllib.loads(lock.read_text())["package"]
    return {p["name"]: p["version"] for p in packages if "registry" in p.get("source", {})}


def justified(path: Path = JUSTIFICATIONS) -> dict[tuple[str, str], str]:
    """(package, advisory id) → the reason written for it."""
    entries = tomllib.loads(path.read_text()).get("justified", [])
    return {(e["package"], e["id"]): e["why"] for e in entries}


def justified_unchecked(path: Path = JUSTIFICATIONS) -> dict[tuple[str, str], str]:
    """(package, version) → the reason written for leaving it unchecked."""
    entries = tomllib.loads(path.read_text()).get("unchecked", [])
    return {(e["package"], e["version"]): e["why"] for e in entries}


def audit_with_uv(ignored: list[str]) -> int | None:
    """`uv audit`'s exit code (its findings printed), or None when it could not reach OSV."""
    uv = ROOT / ".tools" / "bin" / "uv"
    ignore = [arg for advisory in ignored for arg in ("--ignore", advisory)]
    run = subprocess.run(
        [str(uv), "audit", "--frozen", "--preview-features", "audit-command", *ignore],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    if run.returncode and "error sending request" in run.stderr:
        return None
    print(run.stdout + run.stderr, end="")
    return run.returncode


def pypi_json(url: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


@dataclass
class PackageCheck:
    """What PyPI said of one locked package: its advisories, or why it could not be checked."""

    name: str
    version: str
    advisories: list[str] = field(default_factory=list)
    unchecked: str = ""  # why, when it could not be checked


def check_on_pypi(name: str, version: str, fetch: Fetch = pypi_json) -> PackageCheck:
    check = PackageCheck(name, version)
    try:
        project = fetch(PYPI_JSON.format(name=name))
        if project is None:
            check.unchecked = "PyPI has no such project"
            return check
        newest = project["info"]["version"]
        release = project if newest == version else fetch(
            PYPI_RELEASE_JSON.format(name=name, version=version))
    except (OSError, ValueError, KeyError, TypeError) as error:  # URLError is an OSError
        check.unchecked = f"no usable answer from PyPI ({error})"
        return check
    if release is None:
        check.unchecked = (f"locked behind the newest release ({newest}), and PyPI's answer "
                           f"for {version} itself is not available")
        return check
    check.advisories = [v["id"] for v in release.get("vulnerabilities", [])
                        if not v.get("withdrawn")]
    return check


def audit_on_pypi(packages: dict[str, str], fetch: Fetch = pypi_json,
                  justifications: Path = JUSTIFICATIONS,
                  say: Callable[[str], None] = print) -> int:
    """Check every package on PyPI; 1 when a vulnerability or an unchecked package has no
    reason written for it, else 0."""
    reasons, unchecked_reasons = justified(justifications), justified_unchecked(justifications)
    with ThreadPoolExecutor(8) as pool:
        checks = list(pool.map(lambda item: check_on_pypi(*item, fetch=fetch),
                               sorted(packages.items())))
    open_findings, open_unchecked, findings = [], [], 0
    for check in checks:
        label = f"  {check.name} {check.version}"
        if check.unchecked:
            reason = " ".join(unchecked_reasons.get((check.name, check.version), "").split())
            say(f"{label}: unchecked, {check.unchecked}: "
                + (f"justified: {reason}" if reason else "NOT JUSTIFIED"))
            if not reason:
                open_unchecked.append(check.name)
        for advisory in check.advisories:
            findings += 1
            reason = " ".join(reasons.get((check.name, advisory), "").split())
            say(f"{label}: {advisory}: " + (f"justified: {reason}" if reason
                                             else "NOT JUSTIFIED"))
            if not reason:
                open_findings.append(f"{check.name} {advisory}")
    unchecked = sum(1 for check in checks if check.unchecked)
    say(f"audit: {len(checks) - unchecked} of {len(checks)} locked packages checked against "
        f"PyPI's advisories (OSV was not reachable), {unchecked} unchecked, "
        f"{len(open_unchecked)} of them without a reason; {findings} known vulnerabilities, "
        f"{len(open_findings)} not justified")
    if open_unchecked:
        say("audit: FAILED: not checked, and no reason given in "
            f"{justifications.name}: {', '.join(open_unchecked)} (update the lock, or add an "
            "[[unchecked]] entry saying why)")
    if open_findings:
        say(f"audit: FAILED: known vulnerabilities not justified: {', '.join(open_findings)}")
    return 1 if open_findings or open_unchecked else 0


def main() -> int:
    packages = locked_packages()
    code = audit_with_uv(sorted({advisory for __, advisory in justified()}))
    if code is not None:
        print(f"audit: uv audit (OSV) over {len(packages)} locked packages: exit {code}")
        return code
    return audit_on_pypi(packages)


if __name__ == "__main__":
    sys.exit(main())
