"""A comment section for news sites, checked for spam and toxicity before publication."""
