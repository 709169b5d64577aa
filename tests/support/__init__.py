"""Plain functions that several test modules share. Fixtures stay in tests/conftest.py, where
pytest finds them without an import; no test module imports another (tests/test_layout.py)."""
