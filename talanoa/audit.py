"""Known vulnerabilities in the locked dependencies: `python -m talanoa.audit` (in .ci/run).

First `uv audit` (the OSV database, every locked version). Where OSV cannot be reached (this
project's CI reaches the package registries only) it falls back to PyPI's own JSON answer,
whose "vulnerabilities" are the PyPA advisories affecting a project's newest release: exact for
a package locked at its newest release. A package locked behind it cannot be checked that way:
it is listed as unchecked (a warning, not a failure: tools such as ruff release every week, and
CI must not fail on a release that fixes nothing); updating the lock brings it under the check.

Every known vulnerability fails the run unless `talanoa/audit_justifications.toml` names it with
a reason. Exit 0 means none is left.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUSTIFICATIONS = Path(__file__).with_name("audit_justifications.toml")
PYPI_JSON = "https://pypi.org/pypi/{name}/json"


def locked_packages(lock: Path = ROOT / "uv.lock") -> dict[str, str]:
    """Every package uv.lock takes from a registry, by name, with its version."""
    packages = tomllib.loads(lock.read_text())["package"]
    return {p["name"]: p["version"] for p in packages if "registry" in p.get("source", {})}


def justified(path: Path = JUSTIFICATIONS) -> dict[tuple[str, str], str]:
    """(package, advisory id) → the reason written for it."""
    entries = tomllib.loads(path.read_text()).get("justified", [])
    return {(e["package"], e["id"]): e["why"] for e in entries}


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


def findings_from_pypi(packages: dict[str, str]) -> list[tuple[str, str, str]]:
    def ask(item: tuple[str, str]) -> list[tuple[str, str, str]]:
        name, version = item
        with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=60) as answer:
            project = json.load(answer)
        if project["info"]["version"] != version:
            return [(name, version, f"behind-newest:{project['info']['version']}")]
        return [(name, version, v["id"]) for v in project.get("vulnerabilities", [])
                if not v.get("withdrawn")]

    with ThreadPoolExecutor(8) as pool:
        return [finding for found in pool.map(ask, packages.items()) for finding in found]


def main() -> int:
    packages = locked_packages()
    reasons = justified()
    code = audit_with_uv(sorted({advisory for __, advisory in reasons}))
    if code is not None:
        print(f"audit: uv audit (OSV) over {len(packages)} locked packages: exit {code}")
        return code
    answers = findings_from_pypi(packages)
    behind = [f for f in answers if f[2].startswith("behind-newest")]
    found = [f for f in answers if f not in behind]
    open_findings = [f for f in found if (f[0], f[2]) not in reasons]
    for name, version, newest in behind:
        print(f"  {name} {version}: unchecked (newest is {newest.split(':')[1]})")
    for name, version, advisory in found:
        reason = " ".join(reasons.get((name, advisory), "").split())
        print(f"  {name} {version}: {advisory}: "
              + (f"justified: {reason}" if reason else "NOT JUSTIFIED"))
    print(f"audit: {len(packages) - len(behind)} of {len(packages)} locked packages checked "
          f"against PyPI's advisories (OSV was not reachable; {len(behind)} behind their newest "
          f"release unchecked); {len(found)} known vulnerabilities, "
          f"{len(open_findings)} not justified")
    return 1 if open_findings else 0


if __name__ == "__main__":
    sys.exit(main())
