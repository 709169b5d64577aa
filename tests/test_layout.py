"""The suite's own layout: no test module imports another test module or a conftest. Shared
plain functions live in tests/support; fixtures in tests/conftest.py, found without an import."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def imported_modules(source, package):
    """Every module that the source imports, anywhere in it, as an absolute dotted name; the
    source is a module of `package` (("tests", "browser") for tests/browser/*.py)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            # `from tests import test_feeds` imports a module by its name.
            yield from (f"{module}.{alias.name}" for alias in node.names)


def is_test_module(name):
    first, *rest = name.split(".")
    return first == "tests" and any(p == "conftest" or p.startswith("test_") for p in rest)


def test_no_test_module_imports_another_test_module_or_a_conftest():
    files = sorted(TESTS.rglob("*.py"))
    assert TESTS / "test_layout.py" in files and TESTS / "browser" / "conftest.py" in files
    found = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in files
        for name in imported_modules(path.read_text(), path.relative_to(TESTS.parent).parent.parts)
        if is_test_module(name)
    ]
    assert found == [], "move shared plain functions to tests/support, fixtures to conftest.py"


@pytest.mark.parametrize(
    "source",
    [
        "from tests.test_feeds import listed",
        "from tests.conftest import weekly",
        "import tests.test_feeds",
        "from tests import test_feeds",
        "from .conftest import require_part",
        "from .. import conftest",
        "from ..test_feeds import listed",
        "def book():\n    from tests.test_signup_pages import book",
    ],
)
def test_the_check_sees_every_way_of_importing_a_test_module(source):
    names = imported_modules(source, ("tests", "browser"))
    assert any(is_test_module(name) for name in names)


def test_the_check_lets_support_and_bench_imports_through():
    source = "from tests.support.dates import at\nfrom bench.listings import gunicorn, wrk\n"
    names = imported_modules(source, ("tests",))
    assert not any(is_test_module(name) for name in names)
