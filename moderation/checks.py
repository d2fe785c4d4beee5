"""System checks: configuration mistakes reported at start-up with an id and a hint.

| id | level | what |
|---|---|---|
| ``moderation.E001`` | error | a threshold is not a number between 0 and 1 |
| ``moderation.E002`` | error | a model file is missing or malformed (loaded: ``--deploy``) |
| ``moderation.E003`` | error | no Celery broker is configured |
| ``moderation.W004`` | warning | ``NOTIFY_EMAILS`` is set but no email backend can send them |
| ``moderation.E005`` | error | tag library not loadable, or no ``request`` context processor |
| ``moderation.E006`` | error | the app's templates cannot be found |
| ``moderation.W007`` | warning | an unknown key in ``MODERATION`` (with the closest known key) |
| ``moderation.E008`` | error | ``MODERATION`` is not a dict |
| ``moderation.E009`` | error | an entry of ``TRUSTED_PROXIES`` is not an address or network |
| ``moderation.W010`` | warning | a hold threshold is not below the matching reject threshold |
| ``moderation.W011`` | warning | ``SITE_URL`` is not an absolute http(s) address (``--deploy``) |
| ``moderation.E012`` | error | ``COMMENT_ORDER`` names no order of the comments |
| ``moderation.W013`` | warning | the page cache is not shared by every process (``--deploy``) |
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.template import TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.utils.module_loading import import_string

from moderation.classifiers import ModelError, load_model
from moderation.classifiers.registry import TASKS, model_path
from moderation.conf import DEFAULTS, moderation_settings
from moderation.learning.versions import model_dir
from moderation.section.ordering import SLUGS

THRESHOLDS = (
    "SPAM_HOLD_THRESHOLD",
    "SPAM_REJECT_THRESHOLD",
    "TOXICITY_HOLD_THRESHOLD",
    "TOXICITY_REJECT_THRESHOLD",
)
REQUEST_CONTEXT_PROCESSOR = "django.template.context_processors.request"
SECTION_TEMPLATE = "moderation/section.html"
# Backends that deliver no mail to a person: fine while developing, not for notifications.
UNDELIVERING_BACKENDS = {
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def _user_settings() -> Any:
    return getattr(settings, "MODERATION", None) or {}


@checks.register()
def check_settings_dict(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    user = _user_settings()
    if not isinstance(user, dict):
        return [
            checks.Error(
                f"MODERATION must be a dict, not {type(user).__name__}.",
                hint='Write MODERATION = {"KEY": value, ...} in your settings.',
                id="moderation.E008",
            )
        ]
    messages = []
    for key in sorted(set(user) - set(DEFAULTS)):
        close = difflib.get_close_matches(str(key), DEFAULTS, n=1)
        hint = f'Did you mean "{close[0]}"?' if close else "See docs/settings.md for every key."
        messages.append(
            checks.Warning(f'Unknown key "{key}" in MODERATION.', hint=hint, id="moderation.W007")
        )
    return messages


def _is_fraction(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


@checks.register()
def check_thresholds(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    if not isinstance(_user_settings(), dict):
        return []
    messages: list[checks.CheckMessage] = []
    for key in THRESHOLDS:
        value = getattr(moderation_settings, key)
        if value is not None and not _is_fraction(value):
            messages.append(
                checks.Error(
                    f"MODERATION[{key!r}] is {value!r}; a threshold is a probability.",
                    hint="Use a number between 0 and 1, or None for the model's own threshold.",
                    id="moderation.E001",
                )
            )
    for task in ("SPAM", "TOXICITY"):
        hold = getattr(moderation_settings, f"{task}_HOLD_THRESHOLD")
        reject = getattr(moderation_settings, f"{task}_REJECT_THRESHOLD")
        if _is_fraction(hold) and _is_fraction(reject) and hold >= reject:
            messages.append(
                checks.Warning(
                    f"{task}_HOLD_THRESHOLD ({hold}) is not below {task}_REJECT_THRESHOLD "
                    f"({reject}): no comment will be held for its {task.lower()} score.",
                    hint="Set the hold threshold lower than the reject threshold.",
                    id="moderation.W010",
                )
            )
    return messages


MODEL_HINT = (
    "Set MODERATION['MODEL_DIR'] to a folder holding spam.skops, toxicity.skops and their "
    ".json sidecars, or leave it None to use the models shipped with the package."
)


def _file_problem(path: Path, task: str) -> str:
    """Cheap test of one model's files, without scikit-learn: present, sidecar, archive."""
    missing = [p for p in (path, path.with_suffix(".json")) if not p.is_file()]
    if missing:
        return "missing: " + ", ".join(str(p) for p in missing)
    try:
        metadata = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        with zipfile.ZipFile(path) as archive:
            if "schema.json" not in archive.namelist():
                return f"{path} is not a skops file"
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        return f"{path}: {exc}"
    if not isinstance(metadata, dict) or metadata.get("task") != task:
        return f"the sidecar of {path} is not the metadata of a {task} model"
    return ""


@lru_cache(maxsize=8)
def _load_problem(path: Path, signature: tuple[int, int, int, int]) -> str:
    """Why the model at ``path`` cannot be loaded ("" if it can); cached per file version."""
    # Loaded and dropped. (The web process keeps models only when SECOND_THOUGHT is on: its
    # prompt loads both active models through ``loaded_models`` on the first post.)
    try:
        load_model(path)
    except ModelError as exc:
        return str(exc)
    return ""


def _file_signature(path: Path) -> tuple[int, int, int, int]:
    model, sidecar = path.stat(), path.with_suffix(".json").stat()
    return (model.st_mtime_ns, model.st_size, sidecar.st_mtime_ns, sidecar.st_size)


def _model_errors(*, load: bool) -> list:
    if not isinstance(_user_settings(), dict):
        return []
    messages = []
    for task in TASKS:
        path = model_path(task, model_dir())
        problem = _file_problem(path, task)
        if not problem and load:
            try:
                problem = _load_problem(path, _file_signature(path))
            except OSError as exc:
                problem = str(exc)
        if problem:
            messages.append(
                checks.Error(
                    f"The {task} model cannot be loaded ({problem}).",
                    hint=MODEL_HINT,
                    id="moderation.E002",
                )
            )
    return messages


@checks.register()
def check_model_files(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    """Every run: the files are there and well-formed (fast, no scikit-learn import)."""
    return _model_errors(load=False)


@checks.register(deploy=True)
def check_models_load(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    """``check --deploy``: each model is really loaded once, as a worker will load it."""
    return _model_errors(load=True)


def _broker_url() -> str:
    configured = getattr(settings, "CELERY_BROKER_URL", None)
    if configured:
        return str(configured)
    from celery import current_app

    return str(current_app.conf.broker_url or "")


@checks.register()
def check_broker(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    if _broker_url():
        return []
    return [
        checks.Error(
            "No Celery broker is configured: comments would stay pending forever.",
            hint="Set CELERY_BROKER_URL (e.g. redis://redis:6379/0) and load it in your Celery "
            "app with config_from_object('django.conf:settings', namespace='CELERY').",
            id="moderation.E003",
        )
    ]


def _email_backend_problem() -> str:
    backend = settings.EMAIL_BACKEND
    try:
        import_string(backend)
    except ImportError:
        return f"EMAIL_BACKEND {backend!r} cannot be imported"
    if backend == "django.core.mail.backends.dummy.EmailBackend":
        return "EMAIL_BACKEND is the dummy backend, which discards every message"
    if backend in UNDELIVERING_BACKENDS and not settings.DEBUG:
        return f"EMAIL_BACKEND is {backend.rsplit('.', 2)[-2]}, which delivers no mail"
    # The django-stubs plugin reads settings.<name> as a setting; is_overridden is a method.
    overridden = settings.is_overridden  # type: ignore[misc]
    configured = overridden("EMAIL_BACKEND") or overridden("EMAIL_HOST")
    if not configured:
        return "neither EMAIL_BACKEND nor EMAIL_HOST is set"
    return ""


@checks.register()
def check_email(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    if not isinstance(_user_settings(), dict) or not moderation_settings.NOTIFY_EMAILS:
        return []
    problem = _email_backend_problem()
    if not problem:
        return []
    return [
        checks.Warning(
            f"NOTIFY_EMAILS is set but the moderators' digest cannot be mailed: {problem}.",
            hint="Configure EMAIL_BACKEND and EMAIL_HOST (and credentials), or remove "
            "NOTIFY_EMAILS.",
            id="moderation.W004",
        )
    ]


@checks.register(checks.Tags.templates)
def check_templates(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    django_engines = [e for e in engines.all() if isinstance(e, DjangoTemplates)]
    if not django_engines:
        return [
            checks.Error(
                "No DjangoTemplates engine is configured: {% comment_section %} cannot be used.",
                hint="Add the django.template.backends.django.DjangoTemplates backend to "
                "TEMPLATES.",
                id="moderation.E005",
            )
        ]
    from moderation.templatetags.moderation_tags import register as moderation_library

    messages = []
    for engine in django_engines:
        if engine.engine.template_libraries.get("moderation_tags") is not moderation_library:
            messages.append(
                checks.Error(
                    f"The template engine {engine.name!r} cannot load moderation_tags.",
                    hint="Add 'moderation' to INSTALLED_APPS and do not override the "
                    "'moderation_tags' entry of OPTIONS['libraries'].",
                    id="moderation.E005",
                )
            )
        if REQUEST_CONTEXT_PROCESSOR not in engine.engine.context_processors:
            messages.append(
                checks.Error(
                    f"The template engine {engine.name!r} lacks the request context processor; "
                    "{% comment_section %} needs the request.",
                    hint=f"Add {REQUEST_CONTEXT_PROCESSOR!r} to "
                    "OPTIONS['context_processors'] in TEMPLATES.",
                    id="moderation.E005",
                )
            )
        try:
            engine.get_template(SECTION_TEMPLATE)
        except TemplateDoesNotExist:
            messages.append(
                checks.Error(
                    f"The template engine {engine.name!r} cannot find {SECTION_TEMPLATE}.",
                    hint="Set APP_DIRS to True, or add "
                    "'django.template.loaders.app_directories.Loader' to its loaders.",
                    id="moderation.E006",
                )
            )
    return messages


@checks.register()
def check_trusted_proxies(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    if not isinstance(_user_settings(), dict):
        return []
    proxies = moderation_settings.TRUSTED_PROXIES
    if isinstance(proxies, str):
        return [
            checks.Error(
                "TRUSTED_PROXIES is a string; it must be a list or tuple.",
                hint=f"Write ({proxies!r},) or a list of addresses and CIDR ranges.",
                id="moderation.E009",
            )
        ]
    messages = []
    for proxy in proxies:
        try:
            ipaddress.ip_network(str(proxy), strict=False)
        except ValueError:
            messages.append(
                checks.Error(
                    f"TRUSTED_PROXIES entry {proxy!r} is not an IP address or network.",
                    hint='Use addresses or CIDR ranges, e.g. ("10.0.0.0/8", "::1").',
                    id="moderation.E009",
                )
            )
    return messages


@checks.register(deploy=True)
def check_site_url(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    """``check --deploy``: readers' emails (replies, unsubscribe) need absolute links."""
    if not isinstance(_user_settings(), dict):
        return []
    parts = urlsplit(str(moderation_settings.SITE_URL or ""))
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [
        checks.Warning(
            "MODERATION['SITE_URL'] is not an absolute address: the links in readers' reply "
            "notifications and their unsubscribe links would not work.",
            hint='Set it to the public address of the site, e.g. "https://news.example.org".',
            id="moderation.W011",
        )
    ]


@checks.register()
def check_comment_order(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    if not isinstance(_user_settings(), dict):
        return []
    order = moderation_settings.COMMENT_ORDER
    if order in SLUGS:
        return []
    return [
        checks.Error(
            f"COMMENT_ORDER is {order!r}, which is not an order of the comments.",
            hint=f"Use one of: {', '.join(SLUGS)}.",
            id="moderation.E012",
        )
    ]


# Caches that one process keeps to itself: a version bumped by a Celery worker never reaches
# the web processes, so their cached pages would outlive the comments' changes.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(deploy=True)
def check_page_cache(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list:
    """``check --deploy``: cached pages need a cache every process shares."""
    if not isinstance(_user_settings(), dict) or not moderation_settings.PAGE_CACHE:
        return []
    alias = moderation_settings.PAGE_CACHE_ALIAS
    backend = settings.CACHES.get(alias, {}).get("BACKEND")
    if backend is not None and backend not in PER_PROCESS_CACHES:
        return []
    problem = (
        f"is {backend.rsplit('.', 1)[-1]}, kept by each process apart"
        if backend
        else "is not in CACHES"
    )
    return [
        checks.Warning(
            f"The page cache (MODERATION['PAGE_CACHE_ALIAS'] = {alias!r}) {problem}: pages "
            "cached by one process would not learn of comments published by another.",
            hint="Point it at a cache every web process and worker shares (Redis, Memcached), "
            'or set MODERATION["PAGE_CACHE"] = False.',
            id="moderation.W013",
        )
    ]
