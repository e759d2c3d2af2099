"""Fetch Django's own session tests into .cache/django-tests/, for the Django that uv.lock pins.

The Django wheel does not ship its test suite, so pip downloads the locked sdist from PyPI
(checked against uv.lock's hash) and only tests/sessions_tests/ is kept. Run it with:

    uv run tests/contract/fetch_django_session_tests.py
"""

import os
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "django-tests"
FETCH_COMMAND = "uv run tests/contract/fetch_django_session_tests.py"
SUITE = "tests/sessions_tests"


def suite_dir(version: str) -> Path:
    return CACHE / f"django-{version}" / "sessions_tests"


def locked_django() -> dict:
    """uv.lock's entry for Django: its version and its sdist's url and hash."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return next(package for package in lock["package"] if package["name"] == "django")


def pip() -> list[str]:
    # pip run by uv, so nothing but uv is needed; `uv run` says where uv is.
    return [os.environ.get("UV", "uv"), "tool", "run", "pip"]


def download_sdist(django: dict, into: Path) -> Path:
    requirements = into / "requirements.txt"
    requirements.write_text(f"django=={django['version']} --hash={django['sdist']['hash']}\n")
    command = [*pip(), "download", "--quiet", "--disable-pip-version-check", "--no-deps"]
    # --no-binary: the sdist, which holds the tests; --require-hashes: exactly the locked one.
    command += ["--no-binary", "django", "--require-hashes", "-r", str(requirements)]
    subprocess.run([*command, "--dest", str(into)], check=True)
    return into / Path(urlparse(django["sdist"]["url"]).path).name


def extract_suite(sdist: Path, into: Path) -> None:
    """Write the sdist's tests/sessions_tests/ files, and nothing else, into `into`."""
    with tarfile.open(sdist) as archive:
        for member in archive:
            _top, _, name = member.name.partition("/")  # under "django-<version>/"
            if member.isfile() and name.startswith(f"{SUITE}/"):
                path = into / name.removeprefix(f"{SUITE}/")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.extractfile(member).read())


def fetch(django: dict) -> Path:
    target = suite_dir(django["version"])
    if (target / "tests.py").is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        suite = Path(scratch) / "sessions_tests"
        extract_suite(download_sdist(django, Path(scratch)), suite)
        if not (suite / "tests.py").is_file():
            raise SystemExit(f"Django {django['version']}'s sdist has no {SUITE}/tests.py")
        target.parent.mkdir(exist_ok=True)
        # Moved in whole, so an interrupted run never leaves half a suite behind.
        shutil.rmtree(target, ignore_errors=True)
        suite.rename(target)
    return target


def main() -> None:
    django = locked_django()
    target = fetch(django)
    print(f"Django {django['version']}'s {SUITE}/ is in {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
