"""snut/system_check.py, the one list of system packages, against a PATH of fake tools
(`dpkg-query`, `apt-get`, `sudo`, `id`, `brew`) that write down what they are asked."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from diagnostics.management.demo_offices import (
    DEMO_COLLEAGUE,
    DEMO_DIRECTOR,
    DEMO_FILLER,
    DEMO_PASSWORD,
    DEMO_STAFF,
)
from snut import system_check

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "snut" / "system_check.py"
EVERY_DEBIAN_PACKAGE = {need.debian for need in system_check.TEST}

FAKES = {
    # Answers as dpkg-query does: installed packages on stdout, unknown ones on stderr.
    "dpkg-query": """
printf '%s\n' "dpkg-query $*" >> "$FAKE_LOG"
status=0
for package in "$@"; do
  case " $FAKE_INSTALLED " in
    *" $package "*) echo "$package install ok installed" ;;
    *) case "$package" in -*|*'$'*) ;; *) echo "no packages found matching $package" >&2; status=1 ;; esac ;;
  esac
done
exit $status
""",
    "apt-get": 'echo "apt-get $*" >> "$FAKE_LOG"; [ "$1" != "$FAKE_APT_FAILS" ]',
    "id": 'echo "id $*" >> "$FAKE_LOG"; echo "$FAKE_UID"',
    # A sudo that asks for a password fails with -n, as the real one does.
    "sudo": 'echo "sudo $*" >> "$FAKE_LOG"; [ "$FAKE_SUDO" = nopasswd ]',
    "brew": 'echo "brew $*" >> "$FAKE_LOG"',
    "redis-server": 'echo "redis-server $*" >> "$FAKE_LOG"',
    "chromium": 'echo "chromium $*" >> "$FAKE_LOG"',
}


def check(tmp_path, needs, *, tools, installed=(), uid=1000, sudo="password", apt_fails=""):
    """Runs the script with only `tools` on PATH; returns (process, what the tools were asked)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        fake = bin_dir / tool
        fake.write_text("#!/bin/sh\n" + FAKES[tool] + "\n")
        fake.chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    env = {
        "PATH": str(bin_dir),
        "FAKE_LOG": str(log),
        "FAKE_INSTALLED": " ".join(sorted(installed)),
        "FAKE_UID": str(uid),
        "FAKE_SUDO": sudo,
        "FAKE_APT_FAILS": apt_fails,
    }
    process = subprocess.run(
        [sys.executable, str(SCRIPT), needs], env=env, capture_output=True, text=True, timeout=30
    )
    return process, log.read_text().splitlines()


DEBIAN = ("dpkg-query", "apt-get", "id", "sudo")


def test_everything_present_installs_nothing(tmp_path):
    process, asked = check(tmp_path, "test", tools=DEBIAN, installed=EVERY_DEBIAN_PACKAGE)
    assert process.returncode == 0, process.stderr
    assert process.stdout == process.stderr == ""
    assert [line.split()[0] for line in asked] == ["dpkg-query"]


def test_an_installed_chromium_counts_without_its_headless_shell(tmp_path):
    """Debian's need is the headless shell; a `chromium` already on the PATH does too."""
    installed = EVERY_DEBIAN_PACKAGE - {"chromium-headless-shell"}
    process, asked = check(tmp_path, "test", tools=(*DEBIAN, "chromium"), installed=installed)
    assert process.returncode == 0, process.stderr
    assert not [line for line in asked if line.startswith(("apt-get", "sudo"))]


def test_ubuntus_chromium_browser_counts_as_chromium(tmp_path):
    installed = EVERY_DEBIAN_PACKAGE - {"chromium-headless-shell"} | {"chromium-browser"}
    process, asked = check(tmp_path, "test", tools=DEBIAN, installed=installed)
    assert process.returncode == 0, process.stderr


@pytest.mark.parametrize(
    "os_release, chromium",
    [
        ('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', "chromium-headless-shell"),
        ('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', "chromium-browser"),
        ('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n', "chromium-browser"),
        ("", "chromium-headless-shell"),
    ],
)
def test_ubuntu_installs_its_own_chromium_package(os_release, chromium):
    missing = [need for need in system_check.TEST if need.name in ("Chromium", "Java")]
    packages = system_check.debian_packages(missing, os_release)
    assert packages == [chromium, "default-jre-headless"]


def test_missing_libraries_are_installed_as_root_after_one_update(tmp_path):
    installed = EVERY_DEBIAN_PACKAGE - {"libharfbuzz-subset0", "fonts-dejavu-core"}
    process, asked = check(tmp_path, "run", tools=DEBIAN, installed=installed, uid=0)
    assert process.returncode == 0, process.stderr
    install = "apt-get install -y -q --no-install-recommends libharfbuzz-subset0 fonts-dejavu-core"
    assert process.stdout == (
        f"Installation des paquets système absents (rapports PDF)\u00a0: {install}\n"
    )
    assert [line for line in asked if not line.startswith(("dpkg-query", "id"))] == [
        "apt-get update -qq",
        install,
    ]


def test_a_failed_update_stops_before_the_install(tmp_path):
    installed = EVERY_DEBIAN_PACKAGE - {"libpango-1.0-0"}
    process, asked = check(
        tmp_path, "run", tools=DEBIAN, installed=installed, uid=0, apt_fails="update"
    )
    assert process.returncode == 1
    assert process.stderr == "Échec de «\u00a0apt-get update -qq\u00a0».\n"
    assert [line for line in asked if line.startswith("apt-get")] == ["apt-get update -qq"]


def test_passwordless_sudo_installs_through_sudo(tmp_path):
    installed = EVERY_DEBIAN_PACKAGE - {"chromium-headless-shell", "npm"}
    process, asked = check(tmp_path, "test", tools=DEBIAN, installed=installed, sudo="nopasswd")
    assert process.returncode == 0, process.stderr
    assert "tests dans le navigateur, outils d’accessibilité" in process.stdout
    sudo = "sudo -n DEBIAN_FRONTEND=noninteractive apt-get"
    assert [line for line in asked if line.startswith("sudo")] == [
        "sudo -n true",
        f"{sudo} update -qq",
        f"{sudo} install -y -q --no-install-recommends chromium-headless-shell npm",
    ]
    assert not [line for line in asked if line.startswith("apt-get")]


@pytest.mark.parametrize(
    "tools, command",
    [
        (DEBIAN, "sudo apt-get install libpango-1.0-0 default-jre-headless"),
        (
            ("dpkg-query", "apt-get", "id"),
            "su -c 'apt-get install libpango-1.0-0 default-jre-headless'",
        ),
    ],
    ids=["sudo-asks-a-password", "no-sudo"],
)
def test_missing_without_root_nor_sudo_names_the_command_and_runs_nothing(tmp_path, tools, command):
    installed = EVERY_DEBIAN_PACKAGE - {"libpango-1.0-0", "default-jre-headless"}
    process, asked = check(tmp_path, "test", tools=tools, installed=installed)
    assert process.returncode == 1
    assert process.stdout == ""
    assert process.stderr == (
        "SNUT a besoin de paquets système absents (rapports PDF, vérificateur HTML)"
        f"\u00a0: {command}\n"
    )
    assert (
        process.stderr
        == system_check.MISSING.format(purposes="rapports PDF, vérificateur HTML", command=command)
        + "\n"
    )
    assert not [line for line in asked if re.match(r"(apt-get|sudo -n \S+ apt-get)", line)]


def test_without_apt_get_it_names_what_to_install_and_runs_nothing(tmp_path):
    # This machine has WeasyPrint's libraries (the suite prints PDFs): only the tools are missing.
    process, asked = check(tmp_path, "test", tools=("dpkg-query", "id", "redis-server"))
    assert process.returncode == 1
    assert (
        process.stderr
        == system_check.MISSING_ELSEWHERE.format(
            purposes="tests dans le navigateur, vérificateur HTML, outils d’accessibilité",
            names="Chromium, Java, npm",
        )
        + "\n"
    )
    assert asked == []


def test_on_homebrew_it_names_the_formulas_and_the_cask(tmp_path):
    process, asked = check(tmp_path, "test", tools=("brew", "redis-server"))
    assert process.returncode == 1
    assert process.stderr.endswith(
        "\u00a0: brew install openjdk node && brew install --cask chromium\n"
    )
    assert asked == []


def test_make_and_ci_use_the_script_and_no_list_of_their_own():
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "snut/system_check.py $(SYSTEM_NEEDS)" in makefile
    assert "test: SYSTEM_NEEDS = test" in makefile
    assert "python3.11 snut/system_check.py test" in ci
    for text in (makefile, ci):
        assert "apt-get" not in text
        assert not [n.debian for n in system_check.TEST if not n.commands and n.debian in text]


def test_make_run_names_every_demo_account_the_seed_creates():
    makefile = (ROOT / "Makefile").read_text()
    banner = re.search(r"^run:.*?\n\t@echo \"(.*?)\"$", makefile, re.S | re.M).group(1)
    for account in (DEMO_DIRECTOR, DEMO_COLLEAGUE, DEMO_FILLER, DEMO_STAFF, DEMO_PASSWORD):
        assert re.search(rf"\b{account}\b", banner), account
