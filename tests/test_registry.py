"""The model registry: bootstrap, activation and rollback, hot reload, shadow scoring, simulator."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from moderation import services
from moderation.classifiers import CommentInput
from moderation.learning import loaded_models, simulation, versions
from moderation.models import ModelActivation, ModelVersion, ShadowScore, Status
from tests.factories import make_comment
from tests.helpers import a_candidate, tiny_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Path]:
    with tiny_registry(tmp_path) as directory:
        yield directory


def test_the_base_files_become_the_first_active_versions(registry):
    active = ModelVersion.objects.filter(status=ModelVersion.State.ACTIVE)
    assert sorted(active.values_list("version", flat=True)) == ["spam-base", "toxicity-base"]
    assert ModelActivation.objects.filter(reason="first registration").count() == 2
    loaded_models.get_models()
    assert ModelVersion.objects.count() == 2, "registered once, not on every check"


def test_activating_a_candidate_retires_the_active_version_and_is_audited(
    registry, tmp_path, a_moderator
):
    a_candidate("toxicity", "toxicity-new", tmp_path)
    record = versions.activate("toxicity-new", by=a_moderator, reason="better on labels")
    states = dict(ModelVersion.objects.values_list("version", "status"))
    assert states == {"spam-base": "active", "toxicity-base": "retired", "toxicity-new": "active"}
    assert (record.from_version.version, record.to_version.version) == (
        "toxicity-base",
        "toxicity-new",
    )
    assert (record.user, record.reason, record.automatic) == (
        a_moderator,
        "better on labels",
        False,
    )


def test_activate_model_rolls_back_to_an_earlier_version(registry, tmp_path):
    a_candidate("toxicity", "toxicity-new", tmp_path)
    call_command("activate_model", "toxicity-new", stdout=StringIO())
    out = StringIO()
    call_command("activate_model", "toxicity-base", "--reason", "too many held", stdout=out)
    assert "toxicity-new → toxicity-base" in out.getvalue()
    assert ModelVersion.objects.get(status="active", task="toxicity").version == "toxicity-base"
    assert list(ModelActivation.objects.values_list("reason", flat=True)[:1]) == ["too many held"]


def test_an_unknown_broken_or_already_active_version_is_refused(registry, tmp_path):
    with pytest.raises(CommandError, match="no model version"):
        call_command("activate_model", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="already active"):
        call_command("activate_model", "toxicity-base", stdout=StringIO())
    broken = a_candidate("toxicity", "toxicity-broken", tmp_path)
    Path(broken.path).write_bytes(b"garbage")
    with pytest.raises(CommandError):
        call_command("activate_model", "toxicity-broken", stdout=StringIO())
    assert ModelVersion.objects.get(status="active", task="toxicity").version == "toxicity-base"


def test_an_active_version_this_release_cannot_score_gives_way_to_the_shipped_model(
    registry, tmp_path, caplog
):
    """After an upgrade, a site's adapted version written by older classes must not stop
    the workers: the shipped model scores until the site retrains, and the log says so."""
    candidate = a_candidate("toxicity", "toxicity-old", tmp_path)
    versions.activate("toxicity-old", reason="adapted by an older release")
    Path(candidate.path).write_bytes(b"written by an older release")
    loaded_models.forget_models()
    models = loaded_models.get_models()
    assert models["toxicity"].version == "toxicity-base"
    assert models["spam"].version == "spam-base"
    assert "scoring toxicity with the shipped model" in caplog.text
    assert ModelVersion.objects.get(status="active", task="toxicity").version == "toxicity-old"


def test_a_worker_notices_a_new_active_version_after_the_refresh_interval(
    registry, tmp_path, django_assert_num_queries, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(loaded_models, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    settings = {"MODEL_DIR": str(registry), "MODEL_REFRESH_SECONDS": 60}
    with override_settings(MODERATION=settings):
        item = [CommentInput("sei un idiota")]
        assert loaded_models.score(item)[0].model_version == "spam-base+toxicity-base"
        a_candidate("toxicity", "toxicity-new", tmp_path, flip=True)
        versions.activate("toxicity-new")
        with django_assert_num_queries(0):  # within the interval: no query at all
            assert loaded_models.score(item)[0].model_version == "spam-base+toxicity-base"
        clock[0] += 59
        assert loaded_models.score(item)[0].model_version == "spam-base+toxicity-base"
        clock[0] += 1
        with django_assert_num_queries(1):
            assert loaded_models.score(item)[0].model_version == "spam-base+toxicity-new"
    loaded_models.forget_models()


def test_shadow_scoring_stores_what_the_candidate_would_decide_and_changes_nothing(
    registry, tmp_path, an_article
):
    a_candidate("toxicity", "toxicity-flipped", tmp_path, flip=True)
    comment = make_comment(an_article, status=Status.PENDING, text="ottimo articolo grazie")
    services.classify_comments([comment.pk])
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert comment.model_version == "spam-base+toxicity-base"
    shadow = ShadowScore.objects.get(comment=comment)
    assert shadow.model_version == "spam-base+toxicity-flipped"
    assert (shadow.would_decide, shadow.decided) == (Status.HELD, Status.PUBLISHED)
    assert shadow.toxicity > comment.toxicity_score


def test_without_a_candidate_or_with_shadow_scoring_off_nothing_is_stored(
    registry, tmp_path, an_article
):
    comment = make_comment(an_article, status=Status.PENDING, text="ottimo articolo")
    services.classify_comments([comment.pk])
    assert not ShadowScore.objects.exists()
    a_candidate("toxicity", "toxicity-flipped", tmp_path, flip=True)
    with override_settings(MODERATION={"MODEL_DIR": str(registry), "SHADOW_SCORING": False}):
        other = make_comment(an_article, status=Status.PENDING, text="bella giornata")
        services.classify_comments([other.pk])
    assert not ShadowScore.objects.exists()


def test_a_broken_candidate_does_not_stop_classification(registry, tmp_path, an_article):
    broken = a_candidate("toxicity", "toxicity-broken", tmp_path)
    Path(broken.path).write_bytes(b"garbage")
    comment = make_comment(an_article, status=Status.PENDING, text="ottimo articolo")
    assert services.classify_comments([comment.pk]) == 1
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED


def test_the_queue_filters_comments_the_shadow_model_would_decide_differently(
    registry, tmp_path, an_article, a_moderator, client
):
    a_candidate("toxicity", "toxicity-flipped", tmp_path, flip=True)
    clean = make_comment(an_article, status=Status.PENDING, text="ottimo articolo grazie")
    toxic = make_comment(an_article, status=Status.PENDING, text="sei un idiota schifoso")
    services.classify_comments([clean.pk, toxic.pk])
    client.force_login(a_moderator)
    listed = {}
    for value in ("differs", "agrees"):
        page = client.get(f"/admin/moderation/comment/?status=all&shadow={value}")
        assert page.status_code == 200
        listed[value] = [c.pk for c in page.context["cl"].result_list]
    assert listed == {"differs": [clean.pk], "agrees": [toxic.pk]}
    versions = client.get("/admin/moderation/modelversion/")
    assert "1 / 2" in versions.content.decode()


def _decided(article, text: str, spam: float | None, toxicity: float | None, status: str):
    from django.utils import timezone

    return make_comment(
        article,
        status=status,
        text=text,
        spam_score=spam,
        toxicity_score=toxicity,
        decided_at=timezone.now(),
    )


def test_the_simulator_counts_decisions_under_other_thresholds(registry, an_article):
    _decided(an_article, "uno", 0.10, 0.10, Status.PUBLISHED)
    _decided(an_article, "due", 0.60, 0.10, Status.HELD)
    _decided(an_article, "tre", 0.10, 0.70, Status.REJECTED)
    _decided(an_article, "quattro", 0.97, 0.10, Status.SPAM)
    make_comment(an_article, status=Status.PENDING, text="not decided")
    base = {"MODEL_DIR": str(registry), "SPAM_HOLD_THRESHOLD": 0.5, "TOXICITY_HOLD_THRESHOLD": 0.5}
    with override_settings(MODERATION=base):
        result = simulation.simulate(10, {"TOXICITY_HOLD_THRESHOLD": 0.8})
        assert result.comments == 4
        assert result.current == {"published": 1, "held": 2, "spam": 1, "rejected": 0}
        assert result.simulated == {"published": 2, "held": 1, "spam": 1, "rejected": 0}
        assert (result.changed, result.published_but_removed) == (1, 1)
        assert simulation.simulate(2, {}).comments == 2
        out = StringIO()
        call_command("simulate_thresholds", "--last", "10", "--spam-hold", "0.05", stdout=out)
    assert "decided differently: 1" in out.getvalue()


def test_the_simulator_leaves_out_decided_comments_it_has_no_scores_for(registry, an_article):
    """Imported or decided before being scored: nothing to replay the policy on."""
    _decided(an_article, "uno", 0.10, 0.10, Status.PUBLISHED)
    _decided(an_article, "imported", None, None, Status.PUBLISHED)
    _decided(an_article, "half scored", 0.10, None, Status.HELD)
    with override_settings(MODERATION={"MODEL_DIR": str(registry)}):
        result = simulation.simulate(10, {})
    assert (result.comments, result.current["published"]) == (1, 1)
