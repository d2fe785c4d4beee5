"""The train_classifiers and evaluate_classifier management commands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from moderation.classifiers.training import save
from tests.test_classifiers import CLEAN, TOXIC, toy_model

JSON_KEYS = {
    "rows",
    "roc_auc",
    "average_precision",
    "f1",
    "macro_f1",
    "mcc",
    "precision",
    "recall",
    "fpr",
    "ms_single",
    "ms_batch",
}


@pytest.fixture
def a_model_dir(tmp_path: Path) -> Path:
    save(
        toy_model(),
        {"task": "toxicity", "version": "toxicity-test-1", "threshold": 0.5},
        tmp_path / "models",
    )
    return tmp_path / "models"


@pytest.fixture
def a_labelled_csv(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.csv"
    rows = [f'"{text}",0' for text in CLEAN] + [f'"{text}",1' for text in TOXIC]
    path.write_text("text,label\n" + "\n".join([*rows, '"",0']) + "\n", encoding="utf-8-sig")
    return path


def test_evaluate_json_prints_exactly_the_agreed_keys(
    a_model_dir: Path, a_labelled_csv: Path
) -> None:
    out = StringIO()
    call_command(
        "evaluate_classifier",
        task="toxicity",
        input=a_labelled_csv,
        json=True,
        model_dir=a_model_dir,
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert set(result) == JSON_KEYS
    assert result["rows"] == len(CLEAN) + len(TOXIC) + 1
    assert result["roc_auc"] > 0.9
    assert result["ms_single"] > 0


def test_evaluate_reads_cp1252_and_semicolons(a_model_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    rows = ["comment;toxic", "perché è così;0", "sei un idiota;1", "ciao;0", "stupid idiot;1"]
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    out = StringIO()
    call_command(
        "evaluate_classifier",
        task="toxicity",
        input=path,
        text_column="comment",
        label_column="toxic",
        json=True,
        model_dir=a_model_dir,
        stdout=out,
    )
    assert json.loads(out.getvalue())["rows"] == 4


def test_evaluate_names_a_missing_column(a_model_dir: Path, a_labelled_csv: Path) -> None:
    with pytest.raises(CommandError, match="body"):
        call_command(
            "evaluate_classifier",
            task="toxicity",
            input=a_labelled_csv,
            text_column="body",
            model_dir=a_model_dir,
        )


def test_train_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no data folder"):
        call_command("train_classifiers", data=tmp_path / "absent", output=tmp_path)


@pytest.mark.django_db
def test_evaluate_active_scores_with_the_registrys_active_version(
    tmp_path: Path, a_labelled_csv: Path
) -> None:
    from moderation.learning import versions
    from tests.helpers import a_candidate, tiny_registry

    def evaluate() -> dict:
        out = StringIO()
        call_command(
            "evaluate_classifier",
            task="toxicity",
            input=a_labelled_csv,
            json=True,
            active=True,
            stdout=out,
        )
        return json.loads(out.getvalue())

    with tiny_registry(tmp_path):
        before = evaluate()
        a_candidate("toxicity", "toxicity-flipped", tmp_path / "flipped", flip=True)
        versions.activate("toxicity-flipped")
        after = evaluate()
    assert before["roc_auc"] > 0.9 > 0.1 > after["roc_auc"]
    assert before["macro_f1"] > after["macro_f1"]
