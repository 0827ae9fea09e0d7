"""Stops with one clear line when a system library that WeasyPrint needs is missing."""

import ctypes.util
import sys

if sys.version_info[:2] != (3, 11):
    sys.exit(f"SNUT a besoin de Python 3.11 (trouvé {sys.version.split()[0]}).")

REQUIRED = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz": "libharfbuzz0b",
    "harfbuzz-subset": "libharfbuzz-subset0",
    "fontconfig": "libfontconfig1",
}
missing = sorted(
    {package for lib, package in REQUIRED.items() if not ctypes.util.find_library(lib)}
)
if missing:
    sys.exit(
        "WeasyPrint (rapports PDF) a besoin de bibliothèques système absentes : "
        f"sudo apt-get install {' '.join(missing)} fonts-dejavu-core"
    )
