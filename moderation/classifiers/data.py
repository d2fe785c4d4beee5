"""Readers for the public labelled data sets, each turned into ``LabelledSet`` rows.

Every reader takes the data directory (``--data``) and returns items, 0/1 labels and a
group per row (the YouTube video, the language...) so splits can hold out whole groups.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifiers.base import CommentInput

_TAGS = re.compile(r"<br\s*/?>|</?[a-z][^>]*>", re.IGNORECASE)


@dataclass
class LabelledSet:
    """Rows of one data set: items, 0/1 labels and a group name per row."""

    name: str
    items: list[CommentInput] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def add(self, item: CommentInput, label: int, group: str = "") -> None:
        self.items.append(item)
        self.labels.append(int(label))
        self.groups.append(group or self.name)

    @property
    def y(self) -> np.ndarray:
        return np.asarray(self.labels, dtype=np.int8)

    def __len__(self) -> int:
        return len(self.items)


def clean_text(text: str) -> str:
    """Undo the crawl artefacts: HTML entities and tags, BOMs, CRLF, literal ``\\n``."""
    text = html.unescape(html.unescape(text or ""))
    text = _TAGS.sub(" ", text).replace("\ufeff", "").replace("\\n", "\n")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _rows(path: Path, delimiter: str = ",", header: bool = True) -> Iterator[Any]:
    """The rows of a CSV file: dicts by column name with a ``header``, else lists."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if header:
            yield from csv.DictReader(handle, delimiter=delimiter)
        else:
            yield from csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE)


def youtube_uci(data_dir: Path) -> LabelledSet:
    out = LabelledSet("youtube_spam")
    for path in sorted((data_dir / "youtube_spam").glob("Youtube0*.csv")):
        video = path.stem.split("-", 1)[1]
        for row in _rows(path):
            item = CommentInput(clean_text(row["CONTENT"]), author_name=row["AUTHOR"].strip())
            out.add(item, int(row["CLASS"]), video)
    return out


def youtube_2014(data_dir: Path) -> LabelledSet:
    out = LabelledSet("youtube_spam_extra_2014")
    for path in sorted((data_dir / "youtube_spam_extra_2014").glob("*.csv")):
        video = path.stem.split("_", 1)[0]
        for row in _rows(path):
            out.add(CommentInput(clean_text(row["CONTENT"])), int(row["TAG"]), video)
    return out


def sms_spam(data_dir: Path) -> LabelledSet:
    out = LabelledSet("sms_spam")
    for row in _rows(data_dir / "sms_spam" / "SMSSpamCollection", "\t", header=False):
        if len(row) >= 2:
            out.add(CommentInput(clean_text("\t".join(row[1:]))), row[0] == "spam")
    return out


def davidson(data_dir: Path) -> LabelledSet:
    out = LabelledSet("davidson_hate_offensive")
    for row in _rows(data_dir / "davidson_hate_offensive" / "labeled_data.csv"):
        text = re.sub(r"^(?:!+\s*)?RT\s+", "", clean_text(row["tweet"]))
        out.add(CommentInput(text), row["class"] in ("0", "1"), "en")
    return out


def olid(data_dir: Path) -> LabelledSet:
    out = LabelledSet("olid")
    for row in _rows(data_dir / "olid" / "olid-training-v1.0.tsv", "\t"):
        out.add(CommentInput(clean_text(row["tweet"])), row["subtask_a"] == "OFF", "en")
    return out


def jigsaw_en(data_dir: Path) -> LabelledSet:
    out = LabelledSet("jigsaw_toxic_en_sample")
    for row in _rows(data_dir / "jigsaw_toxic_en_sample" / "test_en.csv"):
        out.add(CommentInput(clean_text(row["comment_text"])), int(row["toxic"]), "en")
    return out


def jigsaw_it(data_dir: Path) -> LabelledSet:
    """The Italian rows of the Jigsaw multilingual validation set (Spanish, Turkish left out)."""
    out = LabelledSet("jigsaw_it")
    for row in _rows(data_dir / "jigsaw_multilingual_validation" / "validation.csv"):
        if row["lang"] == "it":
            out.add(CommentInput(clean_text(row["comment_text"])), int(row["toxic"]), "it")
    return out


def hatecheck_it(data_dir: Path) -> LabelledSet:
    """Synthetic test cases; the group is the case's HateCheck functionality."""
    out = LabelledSet("multilingual_hatecheck_it")
    path = data_dir / "multilingual_hatecheck_it" / "hatecheck_cases_final_italian.csv"
    for row in _rows(path):
        label = row["label_gold"] == "hateful"
        out.add(CommentInput(clean_text(row["test_case"])), label, row["functionality"])
    return out


def pejorativity(data_dir: Path) -> LabelledSet:
    """Tweets using an epithet: toxic when the word is used pejoratively or is misogynous."""
    out = LabelledSet("pejorativity")
    for row in _rows(data_dir / "pejorativity" / "pejorativity.csv"):
        label = row["pejorative"] == "1" or row["misogyny"] == "1"
        out.add(CommentInput(clean_text(row["text"])), label, "it")
    return out


def haspeede(data_dir: Path) -> LabelledSet:
    """Evaluation only: CC BY-NC-SA, never in a shipped model."""
    out = LabelledSet("haspeede2018")
    for source in ("FB", "TW"):
        path = data_dir / "haspeede2018" / f"haspeede_{source}-train.tsv"
        for row in _rows(path, "\t", header=False):
            if len(row) >= 3 and row[-1].strip() in ("0", "1"):
                text = clean_text("\t".join(row[1:-1]))
                out.add(CommentInput(text), int(row[-1]), source)
    return out


def ethos(data_dir: Path) -> LabelledSet:
    """Evaluation only: GPLv3."""
    out = LabelledSet("ethos")
    for row in _rows(data_dir / "ethos" / "Ethos_Dataset_Binary.csv", ";"):
        out.add(CommentInput(clean_text(row["comment"])), float(row["isHate"]) >= 0.5, "en")
    return out


#: The sets that may train the shipped toxicity model (licences allow it), by name.
TOXICITY_READERS = {
    "jigsaw_it": jigsaw_it,
    "jigsaw_toxic_en_sample": jigsaw_en,
    "olid": olid,
    "davidson_hate_offensive": davidson,
    "multilingual_hatecheck_it": hatecheck_it,
    "pejorativity": pejorativity,
}


@dataclass(frozen=True)
class WordList:
    """A published offensive-word list, with what its licence asks to keep beside it."""

    name: str
    words: tuple[str, ...]
    licence: str
    attribution: str
    source: str


def offensive_word_lists(data_dir: Path) -> list[WordList]:
    """The Italian word lists of ``lexicons_it`` (for lexicon features, never training rows)."""
    folder = data_dir / "lexicons_it"
    ldnoobw = (folder / "ldnoobw_it.txt").read_text(encoding="utf-8").splitlines()
    obfuscation = [
        word
        for row in _rows(folder / "profanity_obfuscation_prof_table.tsv", "\t")
        if row["language"] == "IT"
        for word in (row["profanity"], row["obfuscation"])
    ]
    return [
        WordList(
            "LDNOOBW Italian",
            tuple(word.strip() for word in ldnoobw if word.strip()),
            "CC BY 4.0",
            '"List of Dirty, Naughty, Obscene, and Otherwise Bad Words", Shutterstock',
            "github.com/LDNOOBW/List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words, file it",
        ),
        WordList(
            "profanity-obfuscation Italian",
            tuple(dict.fromkeys(word.strip() for word in obfuscation if word.strip())),
            "MIT",
            "Copyright (c) 2022 Debora Nozza",
            "github.com/dnozza/profanity-obfuscation, resources/prof_table.tsv (language IT)",
        ),
    ]
