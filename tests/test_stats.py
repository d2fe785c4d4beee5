"""The moderators' figures on a small crafted data set, and the statistics page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from moderation.admin import charts, stats
from moderation.models import Comment, ModerationEvent, Status
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _at(comment: Comment, when) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def _event(comment: Comment, actor: str, to_status: str, when, from_status: str = "") -> None:
    event = ModerationEvent.objects.create(
        comment=comment, actor=actor, action="x", from_status=from_status, to_status=to_status
    )
    ModerationEvent.objects.filter(pk=event.pk).update(created_at=when)


CLASSIFIER, MODERATOR = ModerationEvent.Actor.CLASSIFIER, ModerationEvent.Actor.MODERATOR


def test_comments_per_day_are_counted_by_outcome(an_article):
    today, two_days_ago = NOW, NOW - timedelta(days=2)
    for status in [Status.PUBLISHED, Status.PUBLISHED, Status.SPAM, Status.HELD]:
        _at(make_comment(an_article, status=status), today)
    _at(make_comment(an_article, status=Status.REJECTED), two_days_ago)
    _at(make_comment(an_article, status=Status.PUBLISHED), NOW - timedelta(days=40))
    make_comment(an_article, status=Status.PENDING)

    days = stats.daily_outcomes(30, now=NOW)

    assert len(days) == 30
    assert days[-1].day == timezone.localdate(NOW)
    assert days[-1].counts == {"published": 2, "held": 1, "spam": 1, "rejected": 0}
    assert days[-3].counts["rejected"] == 1
    assert sum(d.total for d in days) == 5


def test_the_share_of_model_decisions_overturned_by_moderators(an_article):
    recent = NOW - timedelta(days=1)
    kept = make_comment(an_article)
    _event(kept, CLASSIFIER, Status.PUBLISHED, recent)
    unreviewed = make_comment(an_article)
    _event(unreviewed, CLASSIFIER, Status.SPAM, recent)
    overturned = make_comment(an_article)
    _event(overturned, CLASSIFIER, Status.SPAM, recent)
    _event(overturned, MODERATOR, Status.PUBLISHED, recent + timedelta(hours=1))
    changed_back = make_comment(an_article)  # unpublished, then published again: not overturned
    _event(changed_back, CLASSIFIER, Status.PUBLISHED, recent)
    _event(changed_back, MODERATOR, Status.REJECTED, recent + timedelta(hours=1))
    _event(changed_back, MODERATOR, Status.HELD, recent + timedelta(hours=2))
    _event(changed_back, MODERATOR, Status.PUBLISHED, recent + timedelta(hours=3))
    held = make_comment(an_article)  # "held" asks a human: it is not a model decision
    _event(held, CLASSIFIER, Status.HELD, recent)
    _event(held, MODERATOR, Status.SPAM, recent + timedelta(hours=1))
    too_old = make_comment(an_article)
    _event(too_old, CLASSIFIER, Status.SPAM, NOW - timedelta(days=60))
    _event(too_old, MODERATOR, Status.PUBLISHED, recent)

    result = stats.overturned_decisions(since=NOW - timedelta(days=30))

    assert result == stats.Overturns(decided=4, overturned=1)
    assert result.share == 0.25


def test_no_decisions_means_no_share():
    assert stats.overturned_decisions(since=NOW).share is None


def test_the_median_time_from_held_to_decided(an_article):
    start = NOW - timedelta(days=2)
    for minutes in [10, 30, 240]:
        comment = make_comment(an_article)
        _event(comment, CLASSIFIER, Status.HELD, start)
        _event(comment, MODERATOR, Status.PUBLISHED, start + timedelta(minutes=minutes))
    restored = make_comment(an_article)  # waits from the restore, not from first publication
    _event(restored, CLASSIFIER, Status.PUBLISHED, start - timedelta(days=1))
    _event(restored, MODERATOR, Status.HELD, start)
    _event(restored, MODERATOR, Status.SPAM, start + timedelta(minutes=20))
    direct = make_comment(an_article)  # decided without being held: no wait to count
    _event(direct, CLASSIFIER, Status.SPAM, start)
    _event(direct, MODERATOR, Status.PUBLISHED, start + timedelta(days=1))
    old = make_comment(an_article)
    _event(old, CLASSIFIER, Status.HELD, NOW - timedelta(days=90))
    _event(old, MODERATOR, Status.PUBLISHED, NOW - timedelta(days=60))

    median = stats.median_time_to_decision(since=NOW - timedelta(days=30))

    assert median == timedelta(minutes=25)


def test_the_audit_workload_counts_the_picks_among_what_the_model_published(an_article):
    start = NOW - timedelta(days=2)
    for i, pick in enumerate(["random", "near", "", "", "random"]):
        comment = make_comment(an_article, audit_pick=pick, decided_at=start)
        _event(comment, CLASSIFIER, Status.PUBLISHED, start)
        if i < 2:  # audited after one and three hours
            Comment.objects.filter(pk=comment.pk).update(
                audited_at=start + timedelta(hours=1 + 2 * i)
            )
    old = make_comment(an_article, audit_pick="random")
    _event(old, CLASSIFIER, Status.PUBLISHED, NOW - timedelta(days=60))
    held = make_comment(an_article, status=Status.HELD)
    _event(held, CLASSIFIER, Status.HELD, start)

    audit = stats.audit_workload(days=30)

    assert (audit.published, audit.picks, audit.audited) == (5, 3, 2)
    assert audit.share == pytest.approx(0.6)
    assert audit.per_day == pytest.approx(0.1)
    assert audit.median_wait == timedelta(hours=2)


def test_no_decisions_means_no_median():
    assert stats.median_time_to_decision(since=NOW) is None


def test_the_queue_is_held_plus_pending_past_the_sweep_delay(an_article, settings):
    settings.MODERATION = {"PENDING_SWEEP_AFTER": 600}
    make_comment(an_article, status=Status.HELD)
    _at(make_comment(an_article, status=Status.PENDING), NOW - timedelta(minutes=11))
    _at(make_comment(an_article, status=Status.PENDING), NOW - timedelta(minutes=9))
    make_comment(an_article, status=Status.SPAM)
    assert Comment.objects.awaiting_review(now=NOW).count() == 2


def test_the_chart_stacks_the_outcomes_of_each_day_to_scale():
    today = timezone.localdate(NOW)
    days = [
        stats.Day(today - timedelta(days=1), {"published": 2, "held": 0, "spam": 2}),
        stats.Day(today, {"published": 1, "rejected": 1}),
    ]
    chart = charts.stacked_bar_chart(days, width=240, height=132)
    plot_bottom, plot_height = 132 - 24, 132 - 24 - 8

    assert chart.max_total == 4
    assert [(b.day, b.status, b.count) for b in chart.bars] == [
        (days[0].day, "published", 2),
        (days[0].day, "spam", 2),
        (days[1].day, "published", 1),
        (days[1].day, "rejected", 1),
    ]
    first, second = chart.bars[0], chart.bars[1]
    assert first.height == second.height == plot_height / 2
    assert first.y + first.height == plot_bottom
    assert second.y + second.height == first.y
    assert chart.bars[2].x > first.x
    assert chart.ticks[-1] == (8.0, 4)


def test_the_statistics_page_renders_an_svg_chart_for_moderators(an_article, a_moderator):
    _at(make_comment(an_article, status=Status.SPAM), NOW)
    client = Client()
    client.force_login(a_moderator)
    html = client.get("/admin/moderation/comment/statistics/").content.decode()
    assert "<svg" in html
    assert 'class="mod-chart__bar mod-chart__bar--spam"' in html
    assert 'id="stat-audit-picks">0<' in html
    assert "<script" not in html.split('id="content-main"')[1].split("</svg>")[0]


def test_the_statistics_page_is_refused_to_staff_without_the_permission(a_staff_member):
    client = Client()
    client.force_login(a_staff_member)
    assert client.get("/admin/moderation/comment/statistics/").status_code == 403
