"""Spam and toxicity classifiers: pure Python and scikit-learn, no Django.

``load_model(path)`` returns a ``TextModel`` that scores ``CommentInput`` items.
"""

from moderation.classifiers.base import CommentInput, ModelError, TextModel, load_model

__all__ = ["CommentInput", "ModelError", "TextModel", "load_model"]
