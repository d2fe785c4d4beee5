"""A comment section for news sites, checked for spam and toxicity before publication."""

__version__ = "0.1.0"  # the one place it is written: pyproject.toml reads it (setuptools)
