"""requirements/lock.txt pins every dependency of pyproject.toml within its range, with hashes:
a dependency added or changed in pyproject.toml without `make lock` fails here, not on a
colleague's machine."""

import re
import tomllib
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.\-\[\]]+)==(?P<version>[^\s;\\]+)(?P<rest>.*)$")


def pins() -> dict[str, tuple[str, str]]:
    """name → (version, the lines of its entry)."""
    found: dict[str, tuple[str, str]] = {}
    name = None
    for line in (ROOT / "requirements/lock.txt").read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match["name"].split("[")[0])
            found[name] = (match["version"], line)
        elif name and line.strip().startswith("--hash="):
            version, text = found[name]
            found[name] = (version, text + "\n" + line)
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(text) for text in listed]


def test_every_dependency_is_pinned_within_its_range_with_hashes():
    locked = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements/lock.txt: make lock"
        version, entry = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} is outside {requirement.specifier}: make lock"
        )
        assert "--hash=sha256:" in entry


def test_every_pin_has_a_hash():
    for name, (_, entry) in pins().items():
        assert "--hash=sha256:" in entry, name
