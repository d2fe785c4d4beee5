"""Figures for the moderators: comments per day by outcome, how often moderators overturn
the model, and how long held comments wait. (The queue itself is
``Comment.objects.awaiting_review``; the chart's geometry is in ``charts``.)"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from moderation.models import AuditPick, Comment, ModerationEvent, Status

OUTCOMES: tuple[str, ...] = (Status.PUBLISHED, Status.HELD, Status.SPAM, Status.REJECTED)
DECIDED: frozenset[str] = frozenset({Status.PUBLISHED, Status.SPAM, Status.REJECTED})


@dataclass
class Day:
    day: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def by_outcome(self) -> list[tuple[str, int]]:
        """(status, count) of each outcome, in ``OUTCOMES`` order."""
        return [(status, self.counts.get(status, 0)) for status in OUTCOMES]

    @property
    def in_order(self) -> list[int]:
        return [count for _status, count in self.by_outcome]


def daily_outcomes(days: int = 30, now: datetime | None = None) -> list[Day]:
    """Comments submitted on each of the last ``days`` days (local time), by current status."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = (
        Comment.objects.filter(created_at__gte=start, status__in=OUTCOMES)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "status")
        .annotate(n=Count("pk"))
    )
    result = [Day(first + timedelta(days=i), dict.fromkeys(OUTCOMES, 0)) for i in range(days)]
    by_day = {d.day: d for d in result}
    for row in rows:
        if row["day"] in by_day:
            by_day[row["day"]].counts[row["status"]] = row["n"]
    return result


@dataclass(frozen=True)
class Overturns:
    decided: int  # the model's final decisions (published, spam, rejected) later reviewed or not
    overturned: int  # of which a moderator's last decision says otherwise

    @property
    def share(self) -> float | None:
        return self.overturned / self.decided if self.decided else None


def overturned_decisions(since: datetime) -> Overturns:
    """How many of the classifier's decisions since ``since`` a moderator later changed.

    "Held" is not a decision of the model (it asks a human), and a moderator's restore to
    the queue is not a verdict: the moderator's last verdict is compared with the model's.
    """
    model = dict(
        ModerationEvent.objects.filter(
            actor=ModerationEvent.Actor.CLASSIFIER,
            created_at__gte=since,
            to_status__in=DECIDED,
        ).values_list("comment_id", "to_status")
    )
    human: dict[int, str] = {}
    for comment_id, to_status in (
        ModerationEvent.objects.filter(
            actor=ModerationEvent.Actor.MODERATOR,
            comment_id__in=list(model),
            to_status__in=DECIDED,
        )
        .order_by("created_at", "pk")
        .values_list("comment_id", "to_status")
    ):
        human[comment_id] = to_status
    overturned = sum(1 for pk, verdict in human.items() if verdict != model[pk])
    return Overturns(decided=len(model), overturned=overturned)


def median_time_to_decision(since: datetime) -> timedelta | None:
    """Median wait from a comment being held to a moderator's decision, decided since ``since``."""
    events = ModerationEvent.objects.filter(
        comment_id__in=ModerationEvent.objects.filter(
            actor=ModerationEvent.Actor.MODERATOR,
            created_at__gte=since,
            to_status__in=DECIDED,
        ).values("comment_id")
    ).order_by("comment_id", "created_at", "pk")
    held_since: dict[int, datetime] = {}
    waits: list[float] = []
    for event in events.values("comment_id", "actor", "to_status", "created_at"):
        pk = event["comment_id"]
        if event["to_status"] == Status.HELD:
            held_since.setdefault(pk, event["created_at"])
        elif event["actor"] == ModerationEvent.Actor.MODERATOR and pk in held_since:
            if event["created_at"] >= since:
                waits.append((event["created_at"] - held_since[pk]).total_seconds())
            del held_since[pk]
        else:
            held_since.pop(pk, None)
    return timedelta(seconds=statistics.median(waits)) if waits else None


@dataclass(frozen=True)
class AuditWorkload:
    """What the audit sample adds to the moderators' work over some days."""

    days: int
    published: int  # comments the workers published
    picks: int  # of which picked for a moderator to confirm
    audited: int  # picks a moderator has decided
    median_wait: timedelta | None  # from publication to a moderator's decision

    @property
    def share(self) -> float | None:
        return self.picks / self.published if self.published else None

    @property
    def per_day(self) -> float:
        return self.picks / self.days


def audit_workload(days: int = 30, now: datetime | None = None) -> AuditWorkload:
    """The audit picks among the comments published by the workers in the last ``days``."""
    since = (now or timezone.now()) - timedelta(days=days)
    published = ModerationEvent.objects.filter(
        actor=ModerationEvent.Actor.CLASSIFIER, to_status=Status.PUBLISHED, created_at__gte=since
    ).values("comment_id")
    picks = Comment.objects.filter(pk__in=published).exclude(audit_pick=AuditPick.NONE)
    counts = picks.aggregate(n=Count("pk"), audited=Count("pk", filter=~Q(audited_at=None)))
    waits = [
        wait.total_seconds()
        for wait in picks.exclude(audited_at=None)
        .annotate(wait=F("audited_at") - F("decided_at"))
        .values_list("wait", flat=True)
        if wait is not None
    ]
    return AuditWorkload(
        days=days,
        published=published.count(),
        picks=counts["n"],
        audited=counts["audited"],
        median_wait=timedelta(seconds=statistics.median(waits)) if waits else None,
    )
