"""Learning from the moderators: model versions, evaluation, retraining, shadow scoring and
the threshold simulator (docs/retraining.md). The Django-free maths is in ``classifiers``."""
