"""The policy's rules, each on its own: thresholds, links, word lists, block and trust."""

import pytest

from moderation.policy import Facts, count_links, decide, matched_words


def facts(**overrides) -> Facts:
    base = {
        "text": "Un commento qualunque.",
        "spam_score": 0.1,
        "toxicity_score": 0.1,
        "spam_threshold": 0.5,
        "toxicity_threshold": 0.6,
    }
    return Facts(**{**base, **overrides})


def test_a_clean_comment_is_published_without_reasons():
    decision = decide(facts())
    assert (decision.status, decision.reasons) == ("published", [])


def test_the_models_threshold_holds_when_the_setting_is_not_set():
    assert decide(facts(toxicity_score=0.61)).status == "held"
    assert decide(facts(toxicity_score=0.59)).status == "published"


def test_the_setting_overrides_the_models_threshold(settings):
    settings.MODERATION = {"TOXICITY_HOLD_THRESHOLD": 0.8}
    decision = decide(facts(toxicity_score=0.91))
    assert decision.status == "held"
    assert decision.reasons == ["toxicity 0.91 ≥ 0.80"]
    assert decide(facts(toxicity_score=0.7)).status == "published"


def test_spam_above_the_reject_threshold_is_spam_between_is_held(settings):
    settings.MODERATION = {"SPAM_HOLD_THRESHOLD": 0.5, "SPAM_REJECT_THRESHOLD": 0.9}
    assert decide(facts(spam_score=0.95)).status == "spam"
    assert decide(facts(spam_score=0.95)).reasons == ["spam 0.95 ≥ 0.90"]
    assert decide(facts(spam_score=0.6)).status == "held"


def test_toxicity_reject_is_off_by_default_and_works_when_set(settings):
    assert decide(facts(toxicity_score=0.99)).status == "held"
    settings.MODERATION = {"TOXICITY_REJECT_THRESHOLD": 0.95}
    assert decide(facts(toxicity_score=0.99)).status == "rejected"


def test_two_links_hold_a_comment_as_wordpress_does():
    text = "Guarda https://a.example e anche www.b.example"
    assert count_links(text) == 2
    decision = decide(facts(text=text))
    assert decision.status == "held" and decision.reasons == ["2 links"]
    assert decide(facts(text="solo https://a.example")).status == "published"


@pytest.mark.parametrize(
    "text",
    [
        "Sei un IDIOTA",
        "sei un idiòta",
        "sei un 1d10ta",
        "sei un i.d.i.o.t.a",
        "sei un i d i o t a",
        "l'idiota di turno",
        "idiotaaaaa",
    ],
)
def test_watch_words_ignore_case_accents_apostrophes_and_obfuscation(text, settings):
    settings.MODERATION = {"WATCH_WORDS": ["idiota"]}
    decision = decide(facts(text=text))
    assert decision.status == "held"
    assert decision.reasons == ["watch word: idiota"]


def test_watch_words_match_whole_words_only(settings):
    settings.MODERATION = {"WATCH_WORDS": ["idiota", "cretin*"]}
    assert decide(facts(text="un discorso idiomatico")).status == "published"
    assert matched_words("che cretinate", ["cretin*"]) == ["cretinate"]


def test_blocked_words_make_spam(settings):
    settings.MODERATION = {"BLOCKED_WORDS": ["viagra", "casinò online"]}
    assert decide(facts(text="Compra V1AGRA qui")).status == "spam"
    decision = decide(facts(text="il miglior CASINO' ONLINE"))
    assert (decision.status, decision.reasons) == ("spam", ["blocked word: casino online"])


def test_a_blocked_author_is_spam_whatever_the_scores():
    decision = decide(facts(blocked_by="blocked email"))
    assert (decision.status, decision.reasons) == ("spam", ["blocked email"])


def test_a_trusted_author_skips_score_holds_but_not_word_rules(settings):
    settings.MODERATION = {"WATCH_WORDS": ["idiota"]}
    assert decide(facts(trusted=True, toxicity_score=0.9)).status == "published"
    assert decide(facts(trusted=True, text="idiota")).status == "held"


def test_trusted_authors_get_full_scrutiny_when_the_setting_is_off(settings):
    settings.MODERATION = {"TRUSTED_AUTHORS_SKIP_SCORES": False}
    assert decide(facts(trusted=True, toxicity_score=0.9)).status == "held"


def test_first_time_authors_are_held_until_enough_approvals(settings):
    assert decide(facts(approved_before=0)).status == "published"
    settings.MODERATION = {"FIRST_COMMENTS_HELD": 2}
    assert decide(facts(approved_before=1)).status == "held"
    assert decide(facts(approved_before=2)).status == "published"


def test_several_reasons_are_all_recorded(settings):
    settings.MODERATION = {"WATCH_WORDS": ["truffa"]}
    decision = decide(
        facts(
            text="truffa! https://a.example https://b.example https://c.example", toxicity_score=0.7
        )
    )
    assert decision.status == "held"
    assert decision.reasons == ["toxicity 0.70 ≥ 0.60", "3 links", "watch word: truffa"]
