"""replay_stream: a labelled CSV played through the real pipeline, moderators included."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from moderation.models import Comment, ModelVersion, Status, TrainingLabel
from tests.helpers import tiny_registry

# Slow: 400 comments through the pipeline. Transactional: on_commit runs the classification.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

#: Words the tiny base model never saw: it publishes these toxic comments.
NEW_TOXIC = ["zorglub {} brontolo", "che zorglub sei {}", "brontolo zorglub {} vergogna"]
NEW_CLEAN = ["il sindaco {} inaugura", "mercato {} domenica mattina", "concerto {} in piazza"]


def stream_csv(path: Path, n: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["testo", "odio"])
        for i in range(n):
            toxic = i % 2
            writer.writerow([(NEW_TOXIC if toxic else NEW_CLEAN)[i % 3].format(i), toxic])
    return path


def replay(tmp_path: Path, *options: str, **settings: object) -> dict:
    out = StringIO()
    with tiny_registry(tmp_path, **settings):
        call_command(
            "replay_stream",
            "--task=toxicity",
            f"--input={stream_csv(tmp_path / 'stream.csv', 400)}",
            "--text-column=testo",
            "--label-column=odio",
            "--retrain-every=200",
            "--json",
            *options,
            stdout=out,
        )
    return json.loads(out.getvalue())


def test_the_moderators_learn_what_the_model_published_and_the_replay_promotes_it(tmp_path):
    # Every published comment picked: the draws do not depend on the comments' ids.
    result = replay(tmp_path, AUDIT_SHARE=1.0, CANDIDATE_MIN_AUDITED=10, PROMOTION_MIN_LABELS=20)
    assert result["comments"] == Comment.objects.count() == 400
    assert result["shown_to_moderators"] == result["labels"] == TrainingLabel.objects.count()
    assert 0 < result["audit_picks"] < result["shown_to_moderators"] == 400
    assert result["rounds"][0]["outcome"] == "promoted"
    assert result["promotions"] >= 1 and result["candidates"] >= result["promotions"]
    active = ModelVersion.objects.get(task="toxicity", status="active")
    assert result["active_version"] == active.version != "toxicity-base"
    # After the promotion the new words are held, not published.
    last = Comment.objects.filter(text__startswith="zorglub").order_by("-pk")[:20]
    assert sum(c.status != Status.PUBLISHED for c in last) >= 15


def test_without_an_audit_sample_the_replay_never_proposes_a_candidate(tmp_path):
    result = replay(tmp_path, AUDIT_SHARE=0, AUDIT_NEAR_BAND=0)
    assert result["audit_picks"] == 0 and result["candidates"] == 0
    assert {r["outcome"] for r in result["rounds"]} == {"refused"}
    assert result["active_version"] == "toxicity-base"
