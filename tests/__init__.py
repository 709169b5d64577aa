import pytest

# The shared helpers in tests/support assert as tests do: rewrite them like test modules, so
# that a failure there shows the values compared.
pytest.register_assert_rewrite("tests.support")
