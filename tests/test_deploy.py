"""Production settings: secure by default and loud when a secret is missing."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ibasho.settings.production",
    "SECRET_KEY": "x" * 20 + "a-long-random-looking-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "ibasho.example.org",
    "DATABASE_URL": "postgres://ibasho@127.0.0.1:5432/ibasho",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env):
    # The browser tests' async-safety switch must not leak into a production check.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_never_creates_demo_accounts():
    script = "from django.conf import settings; print(settings.IBASHO_DEMO_ACCOUNTS)"
    result = manage("shell", "-c", script, env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_models_and_migrations_agree():
    result = manage(
        "makemigrations",
        "--check",
        "--dry-run",
        env={"DJANGO_SETTINGS_MODULE": "ibasho.settings.test"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
