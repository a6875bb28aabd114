"""The systemd units of deploy/: the [Service] lines the test runs, and systemd-analyze's
verdict on them."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from deploy.tests.cluster.common import BASE_DIR, DEPLOY, check, rendered, say


@dataclass
class Unit:
    name: str
    pre: list[list[str]] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    directory: Path = BASE_DIR
    environment: dict[str, str] = field(default_factory=dict)


def _command(value: str) -> list[str]:
    # systemd's prefixes: "-" ignore failure, "@" argv[0], ":" no expansion, "+!" privileges.
    value = value.lstrip("-@:+!")
    check("$" not in value and "%" not in value,
          f"the cluster test does not expand variables or specifiers: {value}")
    return shlex.split(value)


def read_unit(name: str) -> Unit:
    """The [Service] lines the test runs, read from the unit file (continuations joined)."""
    unit = Unit(name)
    section = ""
    text = rendered((DEPLOY / name).read_text()).replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        if section != "[Service]":
            continue
        if key == "ExecStartPre":
            unit.pre.append(_command(value))
        elif key == "ExecStart":
            unit.start = _command(value)
        elif key == "WorkingDirectory":
            unit.directory = Path(value)
        elif key == "Environment":
            for assignment in shlex.split(value):
                variable, _, setting = assignment.partition("=")
                unit.environment[variable] = setting
    check(unit.start, f"{name}: no ExecStart")
    return unit


def verify_units(tmp: Path) -> None:
    units = tmp / "units"
    units.mkdir()
    names = ["talanoa-web.service", "talanoa-worker.service"]
    for name in names:
        (units / name).write_text(rendered((DEPLOY / name).read_text()))
    analyze = shutil.which("systemd-analyze")
    check(analyze, "systemd-analyze is missing (Debian: apt-get install systemd)")
    done = subprocess.run([analyze, "verify", *names], cwd=units, capture_output=True, text=True,
                          timeout=60)
    # verify exits 0 on unknown keys and bad values (it only warns): any output is a failure.
    output = (done.stdout + done.stderr).strip()
    check(done.returncode == 0 and not output, f"systemd-analyze verify: {output}")
    exposures = []
    for name in names:
        done = subprocess.run([analyze, "security", "--offline=yes", "--threshold=20", name],
                              cwd=units, capture_output=True, text=True, timeout=60)
        level = re.search(r"Overall exposure level for \S+: ([\d.]+)", done.stdout + done.stderr)
        check(done.returncode == 0 and level,
              f"systemd-analyze security {name}: exposure above 2.0\n{done.stdout[-600:]}")
        exposures.append(f"{name} {level.group(1) if level else '?'}")
    say(f"ok  systemd units: `systemd-analyze verify` clean; exposure {', '.join(exposures)}")
