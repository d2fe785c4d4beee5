"""Moved to ``moderation.learning``; the names the admin still imports from here."""

from .learning.versions import RegistryError, activate, retire  # noqa: F401  # moved: merge fixes callers
