"""The processes the test starts, and the one-off commands of its setup."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from deploy.tests.cluster.common import BASE_DIR, Failed, check


class Processes:
    """Every process the test starts, each in its own session (so its children stop with it)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                              start_new_session=True)
        log.close()

    def kill(self, name: str, sig: int = signal.SIGKILL, group: bool = True) -> None:
        """The signal to the process and its children (group), or to the process alone (as
        systemd's KillMode=mixed does first); SIGKILL to all after 15 s."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.kill(name, signal.SIGTERM)

    def tail(self, name: str, lines: int = 25) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def begin(command: list[str], env: dict[str, str], cwd: Path = BASE_DIR) -> subprocess.Popen:
    """A setup command started in the background (its output kept for `finish`)."""
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def finish(process: subprocess.Popen, what: str, timeout: float = 240) -> None:
    """Wait for a command `begin` started; a failure or a timeout fails the test."""
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise Failed(f"{what}: still running after {timeout:.0f} s\n{output[-2000:]}") from None
    check(process.returncode == 0, f"{what} failed ({process.returncode}):\n{output[-3000:]}")
