"""Tests on a database filled by a simulated racing day (see conftest.py here).
A package, so this folder's conftest does not shadow tests/conftest.py."""
