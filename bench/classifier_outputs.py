"""Save the shipped classifiers' outputs on a varied corpus, or compare with saved ones.

Usage, from the project root:
    python bench/classifier_outputs.py save /tmp/outputs.pickle --data ../shared/datasets
    python bench/classifier_outputs.py compare /tmp/outputs.pickle

``save`` builds the corpus (bench comments, the tests' sample texts, rows of the data sets
and generated tricky texts: accents, leetspeak, URLs, emails, phones, currencies, emoji,
capitals, repeated characters, very long texts, varied author details) and stores it with
everything the models return for it. ``compare`` scores the stored corpus with the code
it runs on and reports every difference; exit status 1 if any. A speed-up of the
featurisers must leave all of it equal. ``--root`` imports ``moderation`` from another
checkout (an older commit, say).

Runs with PYTHONHASHSEED=0 (it restarts itself so): explanations sum shares in the order
of a set of strings, so their last bits, and the order of tied words, vary with the hash
seed from one process to the next.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ACCENTED = "àèéìòùÀÈÉÌÒÙçñßæœøåäöüÄÖÜ ﬁ ﬀ Ⅻ ＡＢＣ１２３ İ ı ς Σ ǅ ﬆ ǰ ŉ ẞ"
FRAGMENTS = [
    "sei un idiota",
    "che cretinoooo",
    "1D10TA",
    "$tr0nz0",
    "c4zz0",
    "m3rd4",
    "i d i o t a",
    "i.d.i.o.t.a",
    "s-t-u-p-i-d-o",
    "f*ck you",
    "you f*ing bitch*",
    "vaffanculo!!!",
    "dell'articolo",
    "l’assessore",
    "perché è così",
    "città più bella",
    "CHE SCHIFO",
    "STAI ZITTO",
    "Grazie mille",
    "thanks a lot",
    "shut up",
    "hate you",
    "check out my channel",
    "subscribe!!!",
    "free money",
    "win a prize",
    "cheap viagra",
    "http://bit.ly/free-money",
    "https://www.example.com/path/to?x=1&y=2",
    "www.cheap-loans-4u.com",
    "visit best-deals.tk now",
    "mail me: john.doe@gmail.com",
    "scrivi a info@sito.it",
    "+39 333 123 4567",
    "call 800-555-0199",
    "tel. 02.1234.5678",
    "12 34 56 78 90",
    "$100",
    "100€",
    "£50",
    "only 9.99 usd",
    "20 euro",
    "dollars dollars",
    "🙂😡💩🔥👍🏽",
    "👨‍👩‍👧",
    "!!!!!!!",
    "??????",
    "aaaaaaa",
    "nooooo",
    "hahahaha",
    "3.14159",
    "2025",
    "_under_score_",
    "x__y",
    "a1b2c3",
    "0123456789",
    "L'ITALIA",
    "e'",
    "po'",
    "\t\ttab\n\nnewline  spaces",
    "Привет мир",
    "你好世界",
    "مرحبا",
    "Ελληνικά ΣΟΦΟΣ",
    "straße STRASSE",
    "İstanbul ıi",
    "e\u0301 combining a\u0300",
    "zero\u200bwidth",
    "nbsp\u00a0space",
    ACCENTED,
    "<b>bold</b> &amp; html",
    "idiot idiots idiota idioti",
    "fagioli e fagiolini",
    "negro di merda",
    "pezzi di merda",
    "mongolo",
    "****",
    "*",
    "@@@ $$$ €€€",
    "4ll 0f th3 l33t",
    "w w w . s p a m . c o m",
    "a b c d e f",
]
NAMES = [
    "",
    "Mario Rossi",
    "Best Cheap Pills Online",
    "www.spam.com",
    "http://seo-shop.ru",
    "John123",
    "casino",
    "  Crypto Official Channel  ",
    "Anna",
    "a b c d e",
]
EMAILS = [
    "",
    "mario@gmail.com",
    "x@mailinator.com",
    "info@blog.example",
    "ANNA@LIBERO.IT",
    "not-an-email",
    "a@b@yahoo.com",
    "  bob@tempmail.com ",
]
URLS = [
    "",
    "http://blog.example",
    "https://blog.example/",
    "https://shop-4u.example/buy/now",
    "HTTP://WWW.EXAMPLE.ORG/path",
    "www.blog.example",
    "ftp://user@host123.example:21/x",
    "http://x.example",
    "https://mail.libero.it",
]


def corpus(data_dir: Path | None) -> list:
    from bench.commentdata import TEXTS, comments
    from moderation.classifiers import CommentInput

    items = [
        CommentInput(row["text"], row["name"], row["email"], row["url"]) for row in comments(1000)
    ]
    items += [CommentInput(text) for text in TEXTS]
    sys.path.insert(0, str(ROOT))
    from tests import test_classifiers as tests

    samples = [
        *tests.CLEAN,
        *tests.TOXIC,
        *tests.CLEAN_ITALIAN,
        *tests.TOXIC_ITALIAN,
        *tests.EXPLAINED,
        "Sei un 1D10TA, vaffanculo!",
        "you f*ing bitch*",
        "fai schifo, stronzi",
        "grazie mille",
        "Great song, I love the chorus",
        "Bell'articolo, grazie",
        "Check out my channel and subscribe!!! http://bit.ly/free-money",
        "Make money fast, visit www.cheap-loans-4u.com for a free offer",
        "Il sindaco è un ladro e un buffone",
    ]
    items += [CommentInput(text) for text in samples]
    items += [CommentInput(text, author_url="http://x.example") for text in samples]
    if data_dir is not None:
        from moderation.classifiers import data

        readers = (
            data.jigsaw_it,
            data.jigsaw_en,
            data.olid,
            data.haspeede,
            data.ethos,
            data.youtube_uci,
            data.youtube_2014,
            data.sms_spam,
            data.hatecheck_it,
            data.pejorativity,
            data.davidson,
        )
        for read in readers:
            items += read(data_dir).items[:250]
    rng = random.Random(20261129)
    pool = FRAGMENTS + samples + list(TEXTS)
    for _ in range(1800):
        parts = rng.choices(pool, k=rng.randint(1, 8))
        mangled = []
        for part in parts:
            roll = rng.random()
            if roll < 0.15:
                part = part.upper()
            elif roll < 0.25:
                part = part.translate(str.maketrans("aeiost", "43105+"))
            elif roll < 0.32:
                part = "".join(c * rng.randint(1, 5) for c in part)
            elif roll < 0.38:
                part = " ".join(part)
            elif roll < 0.42:
                part = ".".join(part)
            elif roll < 0.48:
                part = "".join(rng.choice(ACCENTED) if rng.random() < 0.2 else c for c in part)
            mangled.append(part)
        separator = rng.choice([" ", ", ", "\n", "", "... ", " - ", "'"])
        text = separator.join(mangled)
        if rng.random() < 0.03:
            text = (text + " ") * rng.randint(20, 400)  # long, often beyond max_chars
        items.append(CommentInput(text, rng.choice(NAMES), rng.choice(EMAILS), rng.choice(URLS)))
    items += [
        CommentInput(""),
        CommentInput(" "),
        CommentInput("\n\t"),
        CommentInput("a"),
        CommentInput("x" * 5000),
        CommentInput("parola " * 2000),
        CommentInput(("idiota " * 500) + "ciao"),
        CommentInput("è" * 3001),
        CommentInput("1" * 3000 + "abc"),
    ]
    return items


def outputs(items: list) -> dict:
    import numpy as np

    from moderation.classifiers import load_model
    from moderation.classifiers.registry import model_path
    from moderation.classifiers.scoring import score_all

    models = [load_model(model_path(task)) for task in ("spam", "toxicity")]
    result: dict = {"score_all": score_all(models, items)}
    sample = items[::11]
    for model in models:
        pipeline, features = model.pipeline, model.pipeline.features
        normalised = features.normalised(items)
        counts = features.text_counts(normalised)
        result[model.task] = {
            "normalised": normalised,
            "counts": counts,
            "extras": features.extra_values(items, normalised),
            "extra_words": [features.extra_words(text) for text in normalised],
            "margins": pipeline.decision_function(items),
            # A form's one comment and a few at a time: fewer than a batch, as scored online.
            "margins_one_by_one": np.array([pipeline.decision_function([i])[0] for i in sample]),
            "margins_in_fives": np.concatenate(
                [pipeline.decision_function(sample[n : n + 5]) for n in range(0, len(sample), 5)]
            ),
            "proba": model.predict_proba(items),
            "proba_one_by_one": np.array([model.predict_proba([i])[0] for i in sample]),
            "transform": features.transform(items[:500]),
            "contributions": pipeline.contributions_many(items),
            "explain_many": model.explain_many(items, top=8),
            "explain_one_by_one": [model.explain(item, top=8) for item in sample],
        }
    return result


def differences(old: dict, new: dict) -> list[str]:
    import numpy as np
    import scipy.sparse as sp

    found = []

    def check(name: str, a: object, b: object) -> None:
        if sp.issparse(a):
            a.sort_indices()
            b.sort_indices()
            same = (
                a.shape == b.shape
                and np.array_equal(a.indptr, b.indptr)
                and np.array_equal(a.indices, b.indices)
                and np.array_equal(a.data, b.data)
                and a.dtype == b.dtype
            )
            if not same:
                found.append(f"{name}: sparse matrices differ")
        elif isinstance(a, np.ndarray):
            if a.shape != b.shape or a.dtype != b.dtype:
                found.append(f"{name}: shape/dtype {a.shape} {a.dtype} vs {b.shape} {b.dtype}")
            elif not np.array_equal(a, b):
                diff = np.abs(a.astype(np.float64) - b.astype(np.float64)).max()
                rows = int((a != b).sum())
                found.append(f"{name}: {rows} values differ, max |diff| {diff:.3g}")
        elif a != b:
            if isinstance(a, list):
                rows = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
                found.append(f"{name}: {len(rows)} of {len(a)} rows differ, first {rows[:5]}")
            else:
                found.append(f"{name}: differs")

    for task in ("spam", "toxicity"):
        check(f"score_all[{task}]", old["score_all"][task], new["score_all"][task])
        for key, value in old[task].items():
            check(f"{task}.{key}", value, new[task][key])
    return found


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    if args.action == "save":
        items = corpus(args.data)
        args.path.write_bytes(pickle.dumps({"items": items, "outputs": outputs(items)}))
        print(f"saved the outputs for {len(items)} items to {args.path}")
        return
    saved = pickle.loads(args.path.read_bytes())
    found = differences(saved["outputs"], outputs(saved["items"]))
    print(f"{len(saved['items'])} items: " + ("all outputs equal" if not found else "DIFFER"))
    for line in found:
        print("  " + line)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
