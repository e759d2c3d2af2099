"""`manage.py check --deploy` with the README's production environment reports nothing."""

import os
import secrets
import subprocess
import sys

from tools.servers import BASE_DIR, COMMAND_TIMEOUT

# A check silenced on purpose (SILENCED_SYSTEM_CHECKS) counts as no issue.
NO_ISSUES = "System check identified no issues"


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        DJANGO_BEHIND_TLS_PROXY="1",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def test_check_deploy_is_silent_in_production():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(NO_ISSUES), result.stdout


def test_check_deploy_names_what_a_weaker_setup_lacks():
    result = check_deploy(DJANGO_HSTS_SECONDS="0", DJANGO_HSTS_PRELOAD="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr
