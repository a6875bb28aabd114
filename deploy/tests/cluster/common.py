"""What every part of the cluster test shares: where the checkout and deploy/ are, how a check
fails, and how a deploy file reads on this machine."""

from __future__ import annotations

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]
DEPLOY = BASE_DIR / "deploy"
INSTALL_DIR = "/srv/talanoa"  # where the deploy files expect the checkout


class Failed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


def say(text: str) -> None:
    print(text, flush=True)




def rendered(text: str) -> str:
    """A deploy file as it reads on this machine: the checkout in place of /srv/talanoa."""
    return text.replace(INSTALL_DIR, str(BASE_DIR))
