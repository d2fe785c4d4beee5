"""Training candidates on the moderators' labels, and when they are promoted automatically."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from moderation import tasks
from moderation.classifiers import load_model
from moderation.learning import evaluation, loaded_models, retraining
from moderation.models import ModelActivation, ModelVersion, TrainingLabel
from tests.helpers import CLEAN, TOXIC, tiny_registry

pytestmark = pytest.mark.django_db


def site(directory: Path, **extra: object) -> dict[str, object]:
    """The registry fixture's settings, enough held-out labels to judge, and ``extra``."""
    return {
        "MODEL_DIR": str(directory),
        "MODEL_STORE_DIR": str(directory / "store"),
        "MODEL_REFRESH_SECONDS": 0,
        "PROMOTION_MIN_LABELS": 50,
        "CANDIDATE_MIN_AUDITED": 20,
        **extra,
    }


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Path]:
    with tiny_registry(tmp_path) as directory:
        yield directory


#: Words the tiny base model never saw: only the moderators' labels teach them.
NEW_TOXIC = ["zorglub {} brontolo", "che zorglub sei {}", "brontolo zorglub {} vergogna"]
NEW_CLEAN = ["il sindaco {} inaugura", "mercato {} domenica mattina", "concerto {} in piazza"]


def label(text: str, *, toxic: bool, source: str = "audit_random") -> TrainingLabel:
    """A moderator's label; by default from a random audit of every published comment."""
    return TrainingLabel.objects.create(
        text=text,
        author_name="Lettore",
        action="rejected" if toxic else "approved",
        is_toxic=toxic,
        is_spam=None if toxic else False,
        source=source,
    )


def teach_new_words(n: int = 150) -> None:
    for i in range(n):
        label(NEW_TOXIC[i % 3].format(i), toxic=True)
        label(NEW_CLEAN[i % 3].format(i), toxic=False)


def teach_what_the_base_knows(n: int = 150) -> None:
    for i in range(n):
        label(f"{TOXIC[i % len(TOXIC)]} {i}", toxic=True)
        label(f"{CLEAN[i % len(CLEAN)]} {i}", toxic=False)


def test_a_better_candidate_is_promoted_when_auto_promotion_is_on(registry):
    teach_new_words()
    with override_settings(MODERATION=site(registry, AUTO_PROMOTE=True)):
        result = retraining.train_candidate("toxicity")
    assert result.promoted, result.verdict
    assert result.comparison["candidate"]["macro_f1"] > result.comparison["active"]["macro_f1"]
    assert result.comparison["candidate"]["rows"] == 60  # the newest 20 % of 300 labels
    assert result.version.status == ModelVersion.State.ACTIVE
    assert result.version.decision_rows == 240
    assert str(registry / "store") in result.version.path
    record = ModelActivation.objects.get(to_version=result.version)
    assert record.automatic and record.from_version.version == "toxicity-base"


def test_a_better_candidate_waits_for_a_moderator_when_auto_promotion_is_off(registry):
    teach_new_words()
    with override_settings(MODERATION=site(registry)):
        result = retraining.train_candidate("toxicity")
        assert not result.promoted
        assert result.version.status == ModelVersion.State.CANDIDATE
        shadow = loaded_models.get_shadow_models()
    assert shadow["toxicity"].version == result.version.version


def test_a_candidate_no_better_than_the_active_model_is_not_even_proposed(registry):
    teach_what_the_base_knows()
    with (
        override_settings(MODERATION=site(registry, AUTO_PROMOTE=True)),
        pytest.raises(retraining.CandidateRefused, match="no better"),
    ):
        retraining.train_candidate("toxicity")
    assert list(ModelVersion.objects.filter(task="toxicity").values_list("version", "status")) == [
        ("toxicity-base", "active")
    ]


def test_the_collapse_of_one_sided_labels_cannot_happen(registry):
    """Issue 17: fed only what the model held (nearly all toxic), adapting made it worse
    than useless. Those labels hold no random audit pick to judge on: no candidate."""
    for i in range(300):
        label(f"{TOXIC[i % len(TOXIC)]} {i}", toxic=True, source="held")
        if i % 9 == 0:
            label(f"{CLEAN[i % len(CLEAN)]} {i}", toxic=False, source="held")
    with override_settings(MODERATION=site(registry, AUTO_PROMOTE=True)):
        with pytest.raises(retraining.CandidateRefused, match="0 random audit labels"):
            retraining.train_candidate("toxicity")
        assert loaded_models.get_models()["toxicity"].version == "toxicity-base"
    assert ModelVersion.objects.filter(task="toxicity").count() == 1
    assert not ModelActivation.objects.exclude(reason="first registration").exists()


def test_the_held_out_labels_are_the_newest_unbiased_ones_weighted_as_the_stream():
    sources = ["import", "held", "audit_random", "report", "held", "audit_near", "audit_random"]
    for i, source in enumerate(sources):
        label(f"commento {i}", toxic=bool(i % 2), source=source)
    rows = evaluation.labelled_rows("toxicity")
    learn, judged = evaluation.holdout_split(rows, 0.4)
    assert list(judged) == [5, 6]
    assert list(learn) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("candidate", "active", "promoted", "why"),
    [
        ({"rows": 200, "macro_f1": 0.90, "blocked_legitimate": 0.02}, 0.80, True, "→"),
        ({"rows": 200, "macro_f1": 0.81, "blocked_legitimate": 0.02}, 0.80, False, "gain"),
        ({"rows": 200, "macro_f1": 0.70, "blocked_legitimate": 0.01}, 0.80, False, "gain"),
        ({"rows": 200, "macro_f1": 0.95, "blocked_legitimate": 0.09}, 0.80, False, "legitimate"),
        ({"rows": 20, "macro_f1": 0.95, "blocked_legitimate": 0.00}, 0.80, False, "held-out"),
    ],
)
def test_promotion_needs_a_margin_no_more_blocked_comments_and_enough_labels(
    candidate, active, promoted, why
):
    comparison = {
        "candidate": candidate,
        "active": {"rows": candidate["rows"], "macro_f1": active, "blocked_legitimate": 0.05},
    }
    verdict = evaluation.promotion_verdict(comparison)
    assert verdict[0] is promoted
    assert why in verdict[1]


def test_the_time_split_keeps_the_newest_rows_aside():
    assert evaluation.time_split(100, 0.2) == 80
    assert evaluation.time_split(0, 0.2) == 0


def test_train_classifiers_with_decisions_trains_registers_and_reports(registry):
    teach_new_words(60)
    out = StringIO()
    with override_settings(MODERATION=site(registry)):
        call_command("train_classifiers", "--with-decisions", "--task", "toxicity", stdout=out)
    candidate = ModelVersion.objects.get(status="candidate")
    assert candidate.version in out.getvalue()
    assert "not promoted" in out.getvalue()
    assert candidate.metrics["candidate"]["rows"] == 24
    assert candidate.training_sets == {"tiny": 24, "moderator labels": 96}


def test_with_too_few_labels_the_command_says_so(registry):
    label("zorglub", toxic=True)
    with pytest.raises(CommandError, match="too few"):
        call_command("train_classifiers", "--with-decisions", "--task", "toxicity")


def test_the_command_says_why_no_candidate_is_proposed(registry):
    for i in range(60):
        label(NEW_TOXIC[i % 3].format(i), toxic=True, source="held")
        label(NEW_CLEAN[i % 3].format(i), toxic=False, source="held")
    with (
        override_settings(MODERATION=site(registry)),
        pytest.raises(CommandError, match="0 random audit labels held out < 20"),
    ):
        call_command("train_classifiers", "--with-decisions", "--task", "toxicity")
    assert not ModelVersion.objects.filter(status="candidate").exists()


def test_the_weekly_task_does_nothing_unless_enabled(registry):
    teach_new_words(60)
    assert tasks.retrain_classifiers() == []
    assert not ModelVersion.objects.filter(status="candidate").exists()
    with override_settings(MODERATION=site(registry, AUTO_RETRAIN=True)):
        versions = tasks.retrain_classifiers()
    assert len(versions) == 1 and versions[0].startswith("toxicity-")


def test_a_candidate_flags_no_more_of_the_clean_labels_than_the_active_model(registry):
    """Issue 17: a candidate free to pick the best macro-F1 on a toxic-heavy stream held a
    fifth of the clean comments, and the promotion rule refused it every time."""
    vague = ["nessuna opinione {}", "forse sì forse no {}", "vedremo domani {}"]
    for i in range(240):
        label(vague[i % 3].format(i), toxic=i % 4 != 0)  # three in four toxic
    teach_new_words(60)
    with override_settings(MODERATION=site(registry)):
        active = loaded_models.get_models()["toxicity"]
        rows = evaluation.labelled_rows("toxicity")
        learn, _ = evaluation.holdout_split(rows, 0.2)
        result = retraining.train_candidate("toxicity")
        candidate = load_model(Path(result.version.path))
    taken = rows.take(learn)
    assert (
        evaluation.figures(candidate, *taken)["blocked_legitimate"]
        <= evaluation.figures(active, *taken)["blocked_legitimate"]
    )
