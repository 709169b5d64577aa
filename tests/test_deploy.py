"""Production settings: secure by default and loud when a secret is missing."""

import os
import re
import subprocess
import sys
import tomllib

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ibasho.settings.production",
    "SECRET_KEY": "x" * 20 + "a-long-random-looking-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "ibasho.example.org",
    "DATABASE_URL": "postgres://ibasho@127.0.0.1:5432/ibasho",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "IBASHO_TALK_KEYS": "0cYVT3_SXVl3oWmXbLgK2QrHZ_rkGaEcR9dO1cMdAWY=",
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


# Test, browser and lint tools, and the tools that compile the locks: never in production.
DEV_TOOLS = {
    "pytest",
    "pytest-django",
    "hypothesis",
    "time-machine",
    "playwright",
    "axe-playwright-python",
    "aiosmtpd",
    "recurring-ical-events",
    "ruff",
    "import-linter",
    "uv",
    "pip-tools",
}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PINNED = re.compile(rf"(?P<name>{NAME.pattern})==(?P<version>[^\s;\\]+)")
HASHED = re.compile(rf"{PINNED.pattern}(?: --hash=sha256:[0-9a-f]{{64}})+")


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries(filename):
    """Each requirement line of a lock, with its continuation lines joined and comments dropped."""
    text = (settings.BASE_DIR / filename).read_text().replace("\\\n", " ")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def lock_pins(filename):
    """Name to version of every requirement pinned with == (with hashes or not)."""
    pins = (PINNED.match(entry) for entry in lock_entries(filename))
    return {normalize(m["name"]): m["version"] for m in pins if m}


def declared(requirements):
    return {normalize(NAME.match(requirement)[0]) for requirement in requirements}


def pyproject():
    with (settings.BASE_DIR / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


@pytest.mark.parametrize("filename", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_requirement_is_pinned_with_hashes(filename):
    entries = lock_entries(filename)
    assert entries
    assert [entry for entry in entries if not HASHED.fullmatch(entry)] == []


def test_production_lock_has_no_test_or_lint_tool():
    names = (NAME.match(entry) for entry in lock_entries("requirements.txt"))
    locked = {normalize(m[0]) for m in names if m}
    assert DEV_TOOLS & locked == set()


def test_production_lock_pins_every_declared_dependency():
    missing = declared(pyproject()["project"]["dependencies"]) - set(lock_pins("requirements.txt"))
    assert missing == set()


def test_development_lock_is_production_plus_the_dev_group_at_the_same_versions():
    production, development = lock_pins("requirements.txt"), lock_pins("requirements-dev.txt")
    assert production
    assert {name: development.get(name) for name in production} == production
    missing = declared(pyproject()["dependency-groups"]["dev"]) - set(development)
    assert missing == set()


def test_the_file_email_backend_writes_where_the_environment_says(tmp_path):
    """A production-like run can keep its e-mail as files (EMAIL_FILE_PATH), for a check by
    hand before the SMTP relay is set up."""
    outbox = tmp_path / "mail"
    env = {
        **PRODUCTION_ENV,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    script = (
        "from django.core.mail import send_mail; "
        "print(send_mail('ご案内', '本文です', None, ['yu@example.org']))"
    )
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    [written] = outbox.iterdir()
    assert "yu@example.org" in written.read_text()
