"""Outside parts that some tests need (a browser, PostgreSQL, Redis, a tool)."""

import os
import shutil

import pytest


def require_part(available, what):
    """Skip a test whose outside part (a browser, PostgreSQL, a tool) is missing on a developer's
    machine; in CI the same absence is a failure, so a skip never passes for green there."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available on this machine")


def has_program(name):
    return shutil.which(name) is not None
