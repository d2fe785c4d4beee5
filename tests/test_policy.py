"""The policy's rules, each on its own: thresholds, links, word lists, block and trust."""

import pytest

from moderation.conf import moderation_settings
from moderation.policy import Facts, PolicyRules, count_links, decide, matched_words


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
    rules = PolicyRules.from_settings(moderation_settings)
    decision = decide(facts(), rules)
    assert (decision.status, decision.reasons) == ("published", [])


def test_the_models_threshold_holds_when_the_setting_is_not_set():
    rules = PolicyRules.from_settings(moderation_settings)
    assert decide(facts(toxicity_score=0.61), rules).status == "held"
    assert decide(facts(toxicity_score=0.59), rules).status == "published"


def test_the_setting_overrides_the_models_threshold():
    rules = PolicyRules.from_settings(moderation_settings, {"TOXICITY_HOLD_THRESHOLD": 0.8})
    decision = decide(facts(toxicity_score=0.91), rules)
    assert decision.status == "held"
    assert decision.reasons == ["toxicity 0.91 ≥ 0.80"]
    assert decide(facts(toxicity_score=0.7), rules).status == "published"


def test_spam_above_the_reject_threshold_is_spam_between_is_held():
    rules = PolicyRules.from_settings(
        moderation_settings, {"SPAM_HOLD_THRESHOLD": 0.5, "SPAM_REJECT_THRESHOLD": 0.9}
    )
    assert decide(facts(spam_score=0.95), rules).status == "spam"
    assert decide(facts(spam_score=0.95), rules).reasons == ["spam 0.95 ≥ 0.90"]
    assert decide(facts(spam_score=0.6), rules).status == "held"


def test_toxicity_reject_is_off_by_default_and_works_when_set():
    rules = PolicyRules.from_settings(moderation_settings)
    assert decide(facts(toxicity_score=0.99), rules).status == "held"
    rules = PolicyRules.from_settings(moderation_settings, {"TOXICITY_REJECT_THRESHOLD": 0.95})
    assert decide(facts(toxicity_score=0.99), rules).status == "rejected"


def test_two_links_hold_a_comment_as_wordpress_does():
    rules = PolicyRules.from_settings(moderation_settings)
    text = "Guarda https://a.example e anche www.b.example"
    assert count_links(text) == 2
    decision = decide(facts(text=text), rules)
    assert decision.status == "held" and decision.reasons == ["2 links"]
    assert decide(facts(text="solo https://a.example"), rules).status == "published"


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
def test_watch_words_ignore_case_accents_apostrophes_and_obfuscation(text):
    rules = PolicyRules.from_settings(moderation_settings, {"WATCH_WORDS": ["idiota"]})
    decision = decide(facts(text=text), rules)
    assert decision.status == "held"
    assert decision.reasons == ["watch word: idiota"]


def test_watch_words_match_whole_words_only():
    rules = PolicyRules.from_settings(moderation_settings, {"WATCH_WORDS": ["idiota", "cretin*"]})
    assert decide(facts(text="un discorso idiomatico"), rules).status == "published"
    assert matched_words("che cretinate", ["cretin*"]) == ["cretinate"]


def test_blocked_words_make_spam():
    rules = PolicyRules.from_settings(
        moderation_settings, {"BLOCKED_WORDS": ["viagra", "casinò online"]}
    )
    assert decide(facts(text="Compra V1AGRA qui"), rules).status == "spam"
    decision = decide(facts(text="il miglior CASINO' ONLINE"), rules)
    assert (decision.status, decision.reasons) == ("spam", ["blocked word: casino online"])


def test_a_blocked_author_is_spam_whatever_the_scores():
    rules = PolicyRules.from_settings(moderation_settings)
    decision = decide(facts(blocked_by="blocked email"), rules)
    assert (decision.status, decision.reasons) == ("spam", ["blocked email"])


def test_a_trusted_author_skips_score_holds_but_not_word_rules():
    rules = PolicyRules.from_settings(moderation_settings, {"WATCH_WORDS": ["idiota"]})
    assert decide(facts(trusted=True, toxicity_score=0.9), rules).status == "published"
    assert decide(facts(trusted=True, text="idiota"), rules).status == "held"


def test_trusted_authors_get_full_scrutiny_when_the_setting_is_off():
    rules = PolicyRules.from_settings(moderation_settings, {"TRUSTED_AUTHORS_SKIP_SCORES": False})
    assert decide(facts(trusted=True, toxicity_score=0.9), rules).status == "held"


def test_first_time_authors_are_held_until_enough_approvals():
    rules = PolicyRules.from_settings(moderation_settings)
    assert decide(facts(approved_before=0), rules).status == "published"
    rules = PolicyRules.from_settings(moderation_settings, {"FIRST_COMMENTS_HELD": 2})
    assert decide(facts(approved_before=1), rules).status == "held"
    assert decide(facts(approved_before=2), rules).status == "published"


def test_several_reasons_are_all_recorded():
    rules = PolicyRules.from_settings(moderation_settings, {"WATCH_WORDS": ["truffa"]})
    decision = decide(
        facts(
            text="truffa! https://a.example https://b.example https://c.example", toxicity_score=0.7
        ),
        rules,
    )
    assert decision.status == "held"
    assert decision.reasons == ["toxicity 0.70 ≥ 0.60", "3 links", "watch word: truffa"]


def test_the_rules_are_read_from_the_settings_once_and_decide_reads_nothing_else(settings):
    settings.MODERATION = {"WATCH_WORDS": ["truffa"], "MAX_LINKS": 0}
    rules = PolicyRules.from_settings(moderation_settings)
    assert (rules.watch_words, rules.max_links) == (("truffa",), 0)
    settings.MODERATION = {"WATCH_WORDS": [], "MAX_LINKS": 1}
    decision = decide(facts(text="truffa https://a.example"), rules)
    assert decision.reasons == ["watch word: truffa"]


def test_overrides_name_settings_of_the_policy_only():
    assert PolicyRules.from_settings(moderation_settings, {"MAX_LINKS": 5}).max_links == 5
    with pytest.raises(ValueError, match="PENDING_SWEEP_AFTER"):
        PolicyRules.from_settings(moderation_settings, {"PENDING_SWEEP_AFTER": 5})


def test_a_pre_moderated_target_holds_even_a_clean_or_trusted_comment_but_spam_stays_spam():
    rules = PolicyRules.from_settings(moderation_settings, {"BLOCKED_WORDS": ["viagra"]})
    for trusted in (False, True):
        decision = decide(facts(premoderated=True, trusted=trusted), rules)
        assert (decision.status, decision.reasons[-1]) == ("held", "pre-moderated article")
    assert decide(facts(premoderated=True, spam_score=0.99), rules).status == "spam"
    assert decide(facts(premoderated=True, text="viagra"), rules).status == "spam"
