"""The system packages SNUT needs, in one list: installs the missing ones on Debian/Ubuntu.

`python3.11 snut/system_check.py run` (WeasyPrint's libraries and fonts, Python's venv)
or `… test` (also Chromium, Java, npm and Redis), from the Makefile and `.ci/run` alike.
On Debian/Ubuntu, as root or with passwordless sudo, it prints the one `apt-get install`
line, runs `apt-get update` then that line; otherwise it stops with one French line naming
the command to type (Homebrew's or Fedora's names there, the software's names elsewhere).
Standard library only: it runs before the virtualenv exists.
"""

import ctypes.util
import importlib.util
import os
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if sys.version_info[:2] != (3, 11):
    sys.exit(f"SNUT a besoin de Python 3.11 (trouvé {sys.version.split()[0]}).")


@dataclass(frozen=True)
class Need:
    """One thing to install: its package on each system, and how to see it is there."""

    name: str  # what it is, named in the message of systems without a known package manager
    purpose: str  # what SNUT does with it, in the message
    debian: str
    ubuntu: str = ""  # when Ubuntu names it otherwise
    homebrew: str = ""  # a formula (or a cask); empty where macOS has it already
    fedora: str = ""
    commands: tuple[str, ...] = ()  # present when one is on PATH, whoever installed it
    library: str = ""  # off Debian, present when the dynamic loader finds it
    probe: Callable[[], bool] | None = None  # another sign that it is there
    cask: bool = False  # a Homebrew cask, not a formula

    def present_without_packages(self) -> bool:
        return any(shutil.which(c) for c in self.commands) or bool(self.probe and self.probe())

    def checkable_without_packages(self) -> bool:
        return bool(self.commands or self.library or self.probe)


def _has_ensurepip() -> bool:
    return importlib.util.find_spec("ensurepip") is not None


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


PDF = "rapports PDF"
BROWSER = "tests dans le navigateur"
RUN = [
    Need("Pango", PDF, "libpango-1.0-0", homebrew="pango", fedora="pango", library="pango-1.0"),
    Need(
        "Pango",
        PDF,
        "libpangoft2-1.0-0",
        homebrew="pango",
        fedora="pango",
        library="pangoft2-1.0",
    ),
    Need(
        "HarfBuzz", PDF, "libharfbuzz0b", homebrew="harfbuzz", fedora="harfbuzz", library="harfbuzz"
    ),
    Need(
        "HarfBuzz",
        PDF,
        "libharfbuzz-subset0",
        homebrew="harfbuzz",
        fedora="harfbuzz",
        library="harfbuzz-subset",
    ),
    Need(
        "Fontconfig",
        PDF,
        "libfontconfig1",
        homebrew="fontconfig",
        fedora="fontconfig",
        library="fontconfig",
    ),
    # macOS and Fedora come with fonts; a minimal Debian has none.
    Need("DejaVu", PDF, "fonts-dejavu-core"),
    # Debian's python3.11 makes virtualenvs only with this package (ensurepip).
    Need("venv", "environnement Python", "python3.11-venv", probe=_has_ensurepip),
]
TEST = [
    *RUN,
    # On Debian, Chromium's headless shell (the browser tests' engine: a quarter faster than
    # the full browser's headless mode, the same Blink); any Chromium otherwise.
    Need(
        "Chromium",
        BROWSER,
        "chromium-headless-shell",
        ubuntu="chromium-browser",  # which installs the snap
        homebrew="chromium",
        cask=True,
        fedora="chromium",
        commands=("chromium-headless-shell", "chromium", "chromium-browser"),
    ),
    Need(
        "Java",
        "vérificateur HTML",
        "default-jre-headless",
        homebrew="openjdk",
        fedora="java-21-openjdk-headless",
        commands=("java",),
    ),
    Need("npm", "outils d’accessibilité", "npm", homebrew="node", fedora="npm", commands=("npm",)),
    Need(
        "Redis",
        "cache partagé",
        "redis-server",
        homebrew="redis",
        fedora="redis",
        commands=("redis-server",),
        probe=_redis_answers,
    ),
]
NEEDS = {"run": RUN, "test": TEST}

MISSING = "SNUT a besoin de paquets système absents ({purposes})\u00a0: {command}"
MISSING_ELSEWHERE = (
    "SNUT a besoin de logiciels absents ({purposes})\u00a0: installez {names} "
    "avec le gestionnaire de paquets du système."
)
INSTALLING = "Installation des paquets système absents ({purposes})\u00a0: {command}"


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=False, **kwargs)


def _installed_debian_packages(packages: list[str]) -> set[str]:
    query = _run(
        ["dpkg-query", "-W", "-f", r"${Package} ${Status}\n", *packages],
        capture_output=True,
        text=True,
    )
    # Packages never installed go to stderr (and the exit code), the others to stdout.
    return {
        line.split()[0]
        for line in query.stdout.splitlines()
        if line.strip() and line.endswith(" installed")
    }


def is_ubuntu(os_release: str) -> bool:
    fields = dict(
        line.split("=", 1) for line in os_release.splitlines() if "=" in line and line[0] != "#"
    )
    return "ubuntu" in f"{fields.get('ID', '')} {fields.get('ID_LIKE', '')}".replace('"', "")


def debian_packages(missing: list[Need], os_release: str) -> list[str]:
    ubuntu = is_ubuntu(os_release)
    return _unique((need.ubuntu if ubuntu and need.ubuntu else need.debian) for need in missing)


def _os_release() -> str:
    try:
        return Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return ""


def _purposes(missing: list[Need]) -> str:
    return ", ".join(dict.fromkeys(need.purpose for need in missing))


def _unique(names) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def missing_on_debian(needs: list[Need]) -> list[Need]:
    to_query = [need for need in needs if not need.present_without_packages()]
    names = [name for need in to_query for name in _unique((need.debian, need.ubuntu))]
    installed = _installed_debian_packages(names) if to_query else set()
    return [need for need in to_query if not installed & {need.debian, need.ubuntu}]


def missing_elsewhere(needs: list[Need]) -> list[Need]:
    return [
        need
        for need in needs
        if need.checkable_without_packages()
        and not need.present_without_packages()
        and not (need.library and ctypes.util.find_library(need.library))
    ]


def _sudo_prefix() -> list[str] | None:
    """[] as root, sudo's words when it needs no password, None when neither."""
    uid = _run(["id", "-u"], capture_output=True, text=True).stdout.strip()
    if uid == "0":
        return []
    if shutil.which("sudo") and _run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n", "DEBIAN_FRONTEND=noninteractive"]
    return None


def install_on_debian(missing: list[Need]) -> None:
    packages = debian_packages(missing, _os_release())
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    prefix = _sudo_prefix()
    if prefix is None:
        typed = ["apt-get", "install", *packages]
        typed = ["sudo", *typed] if shutil.which("sudo") else ["su", "-c", shlex.join(typed)]
        sys.exit(MISSING.format(purposes=_purposes(missing), command=shlex.join(typed)))
    print(
        INSTALLING.format(purposes=_purposes(missing), command=shlex.join(prefix + install)),
        flush=True,
    )
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], install):
        if _run(prefix + command, env=environment).returncode != 0:
            sys.exit(f"Échec de «\u00a0{shlex.join(prefix + command)}\u00a0».")


def explain_elsewhere(missing: list[Need]) -> None:
    """Names Homebrew's or Fedora's packages, else the software (a need without a package
    there, such as venv on a Python built without it, is named as software)."""
    purposes = _purposes(missing)
    if shutil.which("brew") and all(need.homebrew for need in missing):
        formulas = _unique(need.homebrew for need in missing if not need.cask)
        casks = _unique(need.homebrew for need in missing if need.cask)
        commands = [
            shlex.join(words + names)
            for words, names in (
                (["brew", "install"], formulas),
                (["brew", "install", "--cask"], casks),
            )
            if names
        ]
        sys.exit(MISSING.format(purposes=purposes, command=" && ".join(commands)))
    if shutil.which("dnf") and all(need.fedora for need in missing):
        command = shlex.join(["sudo", "dnf", "install", *_unique(n.fedora for n in missing)])
        sys.exit(MISSING.format(purposes=purposes, command=command))
    names = ", ".join(_unique(need.name for need in missing))
    sys.exit(MISSING_ELSEWHERE.format(purposes=purposes, names=names))


def main(arguments: list[str]) -> None:
    if len(arguments) != 1 or arguments[0] not in NEEDS:
        sys.exit(f"usage\u00a0: system_check.py {'|'.join(NEEDS)}")
    needs = NEEDS[arguments[0]]
    if shutil.which("dpkg-query") and shutil.which("apt-get"):
        missing = missing_on_debian(needs)
        if missing:
            install_on_debian(missing)
    else:
        missing = missing_elsewhere(needs)
        if missing:
            explain_elsewhere(missing)


if __name__ == "__main__":
    main(sys.argv[1:])
