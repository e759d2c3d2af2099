"""Load SessionTestsMixin from the Django session tests that fetch_django_session_tests.py
put in .cache/, as Django's own file, unchanged."""

import importlib
import sys
from pathlib import Path
from types import ModuleType

import django

from tests.contract.fetch_django_session_tests import FETCH_COMMAND, suite_dir

PACKAGE = "django_sessions_tests"


def folder() -> Path:
    # The suite of the Django that is installed, which `uv sync --locked` makes uv.lock's.
    return suite_dir(django.__version__)


def missing_reason() -> str:
    return (
        f"Django {django.__version__}'s session tests are not in {folder()}; "
        f"fetch them with: {FETCH_COMMAND}"
    )


def load_tests_module(path: Path) -> ModuleType:
    """Import the suite's tests.py as a module of a package, so its relative imports resolve."""
    package = ModuleType(PACKAGE)
    package.__path__ = [str(path)]
    # tests.py imports .models for CustomDatabaseSessionTests, whose model needs the
    # sessions_tests app and its table; the mixin never uses it, so a stand-in will do.
    models = ModuleType(f"{PACKAGE}.models")
    models.SessionStore = None
    sys.modules.update({PACKAGE: package, models.__name__: models})
    return importlib.import_module(f"{PACKAGE}.tests")


def session_tests_mixin() -> type | None:
    """Django's SessionTestsMixin, or None when the suite has not been fetched."""
    if not (folder() / "tests.py").is_file():
        return None
    return load_tests_module(folder()).SessionTestsMixin
