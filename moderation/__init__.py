"""A comment section for news sites whose comments are checked for spam and toxicity before publication."""
