"""Moving comments in from WordPress: the posts of an export (``wordpress.export``) matched
to the site's objects, and their comments imported.

``import_comments`` checks the whole file, then stores in batches the comments of the posts
the owner's mapping finds, keeping their WordPress status (they were moderated there)
without classifying them again. Each
comment gets a ``ModerationEvent`` with action ``imported`` and reason
``wordpress:<comment id>@<site>``, where the site is its ``site_key`` (http or https, www or
not: one site); that is how a second run knows what it already imported.
Approved and spam comments also become training labels of source ``import``: they weigh
``IMPORT_LABEL_WEIGHT`` in retraining and never judge a candidate (docs/retraining.md).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import BinaryIO
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from moderation import services
from moderation.conf import moderation_settings
from moderation.models import Comment, ModerationEvent, Status, TrainingLabel
from moderation.section.forms import CommentForm, text_limit
from moderation.wordpress.export import (
    ExportError,
    WordPressComment,
    WordPressExport,
    WordPressPost,
)
from moderation.wordpress.html_text import text_from_html
from moderation.wordpress.posts import PostMatcher, names_another_post
from moderation.wordpress.repair import Repairs

IMPORT_ACTION = "imported"
#: WordPress's status → the action of its event and training label (services' verdicts):
#: the first import's labels and a later export's changes, kept apart from this site's own.
ACTION_FOR_WORDPRESS_STATUS: dict[str, str] = {
    status: f"{TrainingLabel.IMPORTED_PREFIX}{name}"
    for status, name in (
        (Status.PUBLISHED, "approved"),
        (Status.HELD, "held"),
        (Status.REJECTED, "rejected"),
        (Status.SPAM, "spam"),
    )
}
#: WordPress ``comment_approved`` → status here. Anything else is held for a moderator.
STATUS_FROM_WORDPRESS = {
    "1": Status.PUBLISHED,
    "approve": Status.PUBLISHED,
    "0": Status.HELD,
    "hold": Status.HELD,
    "spam": Status.SPAM,
    "trash": Status.REJECTED,
    "post-trashed": Status.REJECTED,
}
#: The reason of the events that apply a later export's status.
WORDPRESS_CHANGE_REASON = "changed in WordPress"
#: ``comment_type`` values of readers' comments; pingbacks and trackbacks are left out.
READER_COMMENT_TYPES = {"", "comment"}
#: Links from other sites, counted apart; other types (WordPress 6.9's editorial "note"s,
#: plugins' own) are counted by type.
LINK_COMMENT_TYPES = {"pingback", "trackback"}


@dataclass(frozen=True)
class PostSummary:
    """A post the report names (its comments are not kept)."""

    id: int
    slug: str
    link: str
    comments: int


@dataclass
class ImportReport:
    imported: dict[str, int] = field(default_factory=dict)  # per status
    already_imported: int = 0
    status_changes: dict[str, int] = field(default_factory=dict)  # per new status
    decided_here: int = 0  # changed in WordPress but decided here since: kept
    skipped_types: int = 0  # pingbacks, trackbacks
    other_types: dict[str, int] = field(default_factory=dict)  # e.g. WordPress's "note"
    orphans_shown: int = 0  # published replies moved up from a parent readers do not see
    ips_not_kept: int = 0  # older than IP_RETENTION_DAYS
    refused: list[tuple[int, str]] = field(default_factory=list)  # comment id, and why
    old_held_rejected: int = 0  # held in WordPress for long: imported as rejected
    old_held_skipped: int = 0  # held in WordPress for long: left out
    repairs: Repairs = field(default_factory=Repairs)  # faults of the file, by line
    matched_posts: int = 0
    unmatched_posts: list[PostSummary] = field(default_factory=list)
    contradicting_posts: list[tuple[PostSummary, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.imported.values())


def _event_reason(site: str, comment_id: int) -> str:
    return f"wordpress:{comment_id}@{site}"[:255]


def site_key(address: str) -> str:
    """The site an address belongs to, whatever its scheme, ``www.`` or default port:
    ``https://www.Example.org/blog/`` and ``http://example.org/blog`` are ``example.org/blog``."""
    parts = urlsplit(address if "//" in address else f"//{address}")
    host = parts.netloc.rpartition("@")[2].lower().removeprefix("www.")
    host = host.removesuffix(":80").removesuffix(":443")
    return f"{host}{parts.path.rstrip('/')}"


def _already_imported(site: str) -> dict[int, int]:
    """The comments imported from ``site`` (a ``site_key``): WordPress id → comment pk.
    Events written with the site's full address are recognised too."""
    events = ModerationEvent.objects.filter(
        action=IMPORT_ACTION, reason__startswith="wordpress:", reason__endswith=site
    ).values_list("reason", "comment_id")
    done = {}
    for reason, comment_pk in events.iterator():
        comment_id, _, address = reason.removeprefix("wordpress:").partition("@")
        if site_key(address) == site:
            done[int(comment_id)] = comment_pk
    return done


def form_refusal(wp: WordPressComment) -> str:
    """Why the reader's form would refuse this comment's text or email ("" if it would not):
    an import stores nothing a reader could not have posted."""
    if not wp.content.strip():
        return "no text"
    limit = text_limit(CommentForm, "comment")
    if len(wp.content) > limit:
        return f"text longer than {limit} characters"
    try:
        CommentForm.base_fields["email"].clean(wp.email)
    except ValidationError:
        return f"invalid email {wp.email[:100]!r}"
    return ""


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _within_ip_retention(date: datetime | None) -> bool:
    cutoff = timezone.now() - timedelta(days=moderation_settings.IP_RETENTION_DAYS)
    return date is not None and date >= cutoff


def _import_one(
    site: str, post_target: models.Model, wp: WordPressComment, status: str, parent: Comment | None
) -> Comment:
    url = wp.url if len(wp.url) <= 200 and wp.url.startswith(("http://", "https://")) else ""
    submission = services.Submission(
        target=post_target,
        author_name=wp.author[:245],
        author_email=wp.email[:100],
        author_url=url,
        text=wp.content,
        parent=parent,
        ip_address=_valid_ip(wp.ip) if _within_ip_retention(wp.date) else None,
    )
    comment = services.create_comment(submission, status)
    date = wp.date or timezone.now()
    Comment.objects.filter(pk=comment.pk).update(created_at=date, decided_at=date)
    comment.created_at = comment.decided_at = date
    ModerationEvent.objects.create(
        comment=comment,
        actor=ModerationEvent.Actor.SYSTEM,
        action=IMPORT_ACTION,
        to_status=status,
        reason=_event_reason(site, wp.id),
        reasons=[f"WordPress status: {wp.approved or 'unknown'}"],
    )
    services.record_training_label(
        comment,
        action=ACTION_FOR_WORDPRESS_STATUS[status],
        by=None,
        reason="",
        source=TrainingLabel.Source.IMPORT,
    )
    return comment


def _last_decided_by_wordpress(comment: Comment) -> bool:
    last = comment.events.exclude(to_status="").order_by("-pk").first()
    return last is not None and (
        last.action == IMPORT_ACTION or last.reason == WORDPRESS_CHANGE_REASON
    )


def _apply_later_status(status: str, comment: Comment, report: ImportReport) -> None:
    """Give an imported comment the status a later export shows, through the moderators'
    transition (audited); unless it was decided here since, which this site keeps."""
    if status == comment.status:
        return
    if not _last_decided_by_wordpress(comment):
        report.decided_here += 1
        return
    services.transition(
        comment,
        status,
        action=ACTION_FOR_WORDPRESS_STATUS[status],
        by=None,
        reason=WORDPRESS_CHANGE_REASON,
        actor=ModerationEvent.Actor.SYSTEM,
        source=TrainingLabel.Source.IMPORT,
    )
    report.status_changes[status] = report.status_changes.get(status, 0) + 1


def _on_target(comment: Comment, target: models.Model) -> bool:
    content_type = ContentType.objects.get_for_model(target)
    return (comment.content_type_id, comment.object_pk) == (content_type.pk, str(target.pk))


def _shown_parent(status: str, parent: Comment | None) -> Comment | None:
    """Where a reply goes: under its parent, except a published reply whose parent readers
    do not see (held, trashed, spam, or not imported), which goes to the nearest published
    ancestor's replies, or to the top level. WordPress shows such replies; here they would
    vanish with their parent."""
    if status != Status.PUBLISHED:
        return parent
    while parent is not None and parent.status != Status.PUBLISHED:
        parent = parent.parent
    return parent


@dataclass(frozen=True)
class ImportOptions:
    """How to import: ``old_held`` is what becomes of comments still held in WordPress and
    older than ``old_held_days``: "keep" (held, in the moderators' queue), "reject"
    (imported as rejected) or "skip" (left out); all are counted in the report."""

    dry_run: bool = False
    batch_size: int = 1000  # comments per transaction
    old_held: str = "keep"
    old_held_days: int = 365


OLD_HELD_CHOICES = ("keep", "reject", "skip")
#: Called after each batch with the comments read so far and the file's total.
Progress = Callable[[int, int], None]


def count_comments(stream: BinaryIO) -> tuple[str, int]:
    """Read the whole file once: its site and number of comments. Raises ``ExportError``
    for a file that cannot be imported, before anything is stored."""
    export = WordPressExport(stream)
    total = sum(len(post.comments) for post in export.posts())
    if not export.site:
        raise ExportError("the export names no site (<wp:base_site_url>)")
    return export.site, total


def import_comments(
    stream: BinaryIO,
    match: PostMatcher,
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
) -> ImportReport:
    """Import the readers' comments of every post ``match`` finds from the (seekable) file.

    The file is checked whole first (``count_comments``): an unreadable one stores nothing.
    Then it is read again as a stream, one post at a time, and stored in transactions of
    about ``batch_size`` comments, so that the site keeps taking comments meanwhile; a run
    stopped halfway is finished by running it again (nothing is imported twice).
    """
    site_address, total = count_comments(stream)
    stream.seek(0)
    export = WordPressExport(stream)
    context = _ImportRun(site_key(site_address), match, options, ImportReport())
    everything = transaction.atomic() if options.dry_run else nullcontext()
    with everything:
        batch: list[WordPressPost] = []
        size = read = 0
        for post in export.posts():
            batch.append(post)
            size += len(post.comments)
            if size >= options.batch_size:
                read += context.store(batch)
                if progress:
                    progress(read, total)
                batch, size = [], 0
        if batch:
            read += context.store(batch)
            if progress and read > options.batch_size:
                progress(read, total)
        if options.dry_run:
            transaction.set_rollback(True)
    context.report.repairs = export.repairs
    return context.report


class _ImportRun:
    """One import: the site, what it imported before (WordPress id → comment pk), the report."""

    def __init__(
        self, site: str, match: PostMatcher, options: ImportOptions, report: ImportReport
    ) -> None:
        self.site, self.match, self.options, self.report = site, match, options, report
        self.done = _already_imported(site)
        self.old_before = timezone.now() - timedelta(days=options.old_held_days)

    def store(self, posts: list[WordPressPost]) -> int:
        """Import ``posts`` in one transaction; the number of comments they hold."""
        with transaction.atomic():
            for post in posts:
                self._import_post(post)
        return sum(len(post.comments) for post in posts)

    def status(self, wp: WordPressComment) -> str | None:
        """The status ``wp`` gets here, None to leave it out (an old held one, "skip")."""
        status = STATUS_FROM_WORDPRESS.get(wp.approved, Status.HELD)
        old = wp.date is not None and wp.date < self.old_before
        if status != Status.HELD or not old or self.options.old_held == "keep":
            return status
        return Status.REJECTED if self.options.old_held == "reject" else None

    def _import_post(self, post: WordPressPost) -> None:
        report, done = self.report, self.done
        wanted = [
            replace(c, content=text_from_html(c.content))
            for c in post.comments
            if c.type in READER_COMMENT_TYPES
        ]
        for c in post.comments:
            if c.type in LINK_COMMENT_TYPES:
                report.skipped_types += 1
            elif c.type not in READER_COMMENT_TYPES:
                report.other_types[c.type] = report.other_types.get(c.type, 0) + 1
        if not wanted:
            return
        summary = PostSummary(post.id, post.slug, post.link, len(post.comments))
        contradiction = names_another_post(post)
        if contradiction:
            report.contradicting_posts.append((summary, contradiction))
            return
        target = self.match(post)
        if target is None:
            report.unmatched_posts.append(summary)
            return
        report.matched_posts += 1
        # The comments of this post's threads imported before, as objects.
        known = [c.id for c in wanted if c.id in done] + [
            c.parent_id for c in wanted if c.parent_id in done
        ]
        by_pk = Comment.objects.in_bulk([done[i] for i in known])
        objects = {i: by_pk[done[i]] for i in known if done[i] in by_pk}
        for wp in (c for c in wanted if c.id in done):
            report.already_imported += 1
            status = self.status(wp)
            if wp.id in objects and status is not None:
                _apply_later_status(status, objects[wp.id], report)
        new = []
        for wp in (c for c in wanted if c.id not in done):
            refusal = form_refusal(wp)
            status = self.status(wp)
            if refusal:
                report.refused.append((wp.id, refusal))
            elif status is None:
                report.old_held_skipped += 1
            else:
                report.old_held_rejected += status != STATUS_FROM_WORDPRESS.get(
                    wp.approved, Status.HELD
                )
                new.append((wp, status))
        # Parents before their replies; a reply whose parent is not imported starts a thread.
        ids_in_post = {wp.id for wp, _status in new}
        remaining = sorted(new, key=lambda item: item[0].id)
        while remaining:
            waiting = []
            for wp, status in remaining:
                if wp.parent_id and wp.parent_id not in objects and wp.parent_id in ids_in_post:
                    waiting.append((wp, status))
                    continue
                wordpress_parent = objects.get(wp.parent_id) if wp.parent_id else None
                if wordpress_parent is not None and not _on_target(wordpress_parent, target):
                    wordpress_parent = None  # imported onto another object: never cross posts
                parent = _shown_parent(status, wordpress_parent)
                comment = _import_one(self.site, target, wp, status, parent)
                if wp.parent_id and comment.status == Status.PUBLISHED:
                    report.orphans_shown += parent is None or parent is not wordpress_parent
                objects[wp.id] = comment
                done[wp.id] = comment.pk
                report.imported[comment.status] = report.imported.get(comment.status, 0) + 1
                if _valid_ip(wp.ip) and comment.ip_address is None:
                    report.ips_not_kept += 1
            if len(waiting) == len(remaining):  # a cycle of parents: break it at the first
                waiting[0] = (replace(waiting[0][0], parent_id=0), waiting[0][1])
            remaining = waiting
