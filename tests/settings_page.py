"""shop/settings.py read afresh under a given environment, as a starting process reads it."""

import os
import runpy
from unittest import mock

from tools.servers import BASE_DIR


def settings_with(**environ: str) -> dict:
    plain = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    with mock.patch.dict(os.environ, {**plain, **environ}, clear=True):
        return runpy.run_path(str(BASE_DIR / "shop" / "settings.py"))
