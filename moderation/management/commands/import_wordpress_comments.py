"""``manage.py import_wordpress_comments EXPORT.xml --model app.model``: move comments in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError

from moderation.wordpress import importer, posts


class Command(BaseCommand):
    help = (
        "Import the comments of a WordPress export (WXR file, from Tools → Export) onto this "
        "site's objects, keeping WordPress's decisions. Running it again imports nothing twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("export", type=Path, help="the WXR (.xml) file")
        parser.add_argument(
            "--model", required=True, help="the model commented on, as app_label.model"
        )
        parser.add_argument(
            "--match",
            choices=["slug", "url", "id"],
            default="slug",
            help="find the object by the post's slug, by its URL (path, or ?p= id of a plain "
            "permalink), or by its WordPress post id (--field names the field holding it)",
        )
        parser.add_argument(
            "--field",
            help="the model field to compare: default 'slug' for --match slug; for --match "
            "url, a field holding the old URL (default: get_absolute_url()); for --match id, "
            "required: the field holding the WordPress post id",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be imported, store nothing"
        )
        parser.add_argument(
            "--old-held",
            choices=importer.OLD_HELD_CHOICES,
            default="keep",
            help="comments still held in WordPress and older than --old-held-days: keep them "
            "held (default), import them as rejected, or skip them",
        )
        parser.add_argument(
            "--old-held-days",
            type=int,
            default=importer.ImportOptions.old_held_days,
            help="the age in days from which a held comment is old (default: %(default)s)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=importer.ImportOptions.batch_size,
            help="comments stored per transaction (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = self._model(options["model"])
        field_name = options["field"] or ("slug" if options["match"] == "slug" else None)
        if options["match"] == "id" and not field_name:
            raise CommandError("--match id needs --field: the field holding the WordPress post id")
        if field_name:
            try:
                model._meta.get_field(field_name)
            except FieldDoesNotExist as exc:
                raise CommandError(f"{options['model']} has no field {field_name!r}") from exc
        if options["match"] == "slug":
            match = posts.slug_matcher(model, field_name or "slug")
        elif options["match"] == "id":
            match = posts.id_matcher(model, field_name or "")
        else:
            match = posts.url_matcher(model, field_name)
        if options["batch_size"] < 1 or options["old_held_days"] < 0:
            raise CommandError("--batch-size must be positive and --old-held-days not negative")
        import_options = importer.ImportOptions(
            dry_run=options["dry_run"],
            batch_size=options["batch_size"],
            old_held=options["old_held"],
            old_held_days=options["old_held_days"],
        )
        try:
            with options["export"].open("rb") as stream:
                report = importer.import_comments(
                    stream, match, import_options, progress=self._progress
                )
        except OSError as exc:
            raise CommandError(f"cannot read {options['export']}: {exc}") from exc
        except importer.ExportError as exc:
            raise CommandError(f"{options['export']}: {exc}; nothing was imported") from exc
        self._print(report, dry_run=options["dry_run"])

    def _progress(self, read: int, total: int) -> None:
        message = f"{read:,} of {total:,} comments read ({read * 100 // total}%)"
        self.stderr.write(message, style_func=str)  # progress, not an error: no red

    def _model(self, label: str) -> Any:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise CommandError(f"unknown model {label!r}; use app_label.model") from exc

    def _print(self, report: importer.ImportReport, *, dry_run: bool) -> None:
        verb = "would import" if dry_run else "imported"
        by_status = ", ".join(f"{n} {status}" for status, n in sorted(report.imported.items()))
        self.stdout.write(
            f"{verb} {report.total} comment(s) on {report.matched_posts} post(s)"
            + (f": {by_status}" if by_status else "")
        )
        self.stdout.write(f"already imported before: {report.already_imported}")
        if report.status_changes:
            changes = ", ".join(f"{n} {s}" for s, n in sorted(report.status_changes.items()))
            self.stdout.write(f"status changed in WordPress since, applied: {changes}")
        if report.decided_here:
            self.stdout.write(
                f"status changed in WordPress since, kept as moderated here: {report.decided_here}"
            )
        self.stdout.write(f"pingbacks and trackbacks left out: {report.skipped_types}")
        if report.other_types:
            others = ", ".join(f"{n} {kind}" for kind, n in sorted(report.other_types.items()))
            self.stdout.write(f"other comment types left out (not readers'): {others}")
        if report.orphans_shown:
            self.stdout.write(
                "published replies to a comment readers do not see (held, trashed, spam or "
                f"not imported), shown under the nearest published one or at the top: "
                f"{report.orphans_shown}"
            )
        if report.old_held_rejected or report.old_held_skipped:
            self.stdout.write(
                "held in WordPress for longer than --old-held-days: "
                f"{report.old_held_rejected} imported as rejected, "
                f"{report.old_held_skipped} left out"
            )
        if report.ips_not_kept:
            self.stdout.write(
                f"IP addresses not kept (older than IP_RETENTION_DAYS): {report.ips_not_kept}"
            )
        repairs = report.repairs
        unlisted = repairs.count - len(repairs.listed)
        self._warn_list(
            f"{repairs.count} fault(s) of the file repaired, the rest imported:",
            repairs.listed + ([f"… and {unlisted} more"] if unlisted else []),
        )
        self._warn_list(
            f"{len(report.refused)} comment(s) the form would refuse were not imported:",
            [f"comment {comment_id}: {refusal}" for comment_id, refusal in report.refused],
        )
        self._warn_list(
            f"{len(report.contradicting_posts)} post(s) whose link names another post; "
            "their comments were not imported:",
            [f"post {post.id} {post.link}: {why}" for post, why in report.contradicting_posts],
        )
        self._warn_list(
            f"{len(report.unmatched_posts)} post(s) matched no object; "
            "their comments were not imported:",
            [
                f"post {post.id} {post.slug or '-'} {post.link or '-'} ({post.comments} comment(s))"
                for post in report.unmatched_posts
            ],
        )

    def _warn_list(self, title: str, lines: list[str]) -> None:
        """A warning and its lines, indented; nothing when there are no lines."""
        if lines:
            self.stdout.write(self.style.WARNING(title))
            for line in lines:
                self.stdout.write(f"  {line}")
