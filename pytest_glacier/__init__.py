"""pytest-glacier: an in-process Amazon Glacier for tests."""
