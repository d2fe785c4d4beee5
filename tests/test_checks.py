"""The system checks report each configuration mistake with its id, and stay quiet otherwise."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings

from moderation import checks as moderation_checks
from moderation.classifiers import ModelError
from moderation.conf import DEFAULTS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def ids(messages) -> list[str]:
    return [m.id for m in messages]


def moderation_ids() -> list[str]:
    return [i for i in ids(checks.run_checks()) if i.startswith("moderation.")]


def templates_without(processor: str) -> list[dict]:
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    templates[0]["OPTIONS"]["context_processors"] = [p for p in processors if p != processor]
    return templates


def write_model_files(folder: Path) -> None:
    """Files that pass the fast check: a zip archive with a schema, and a sidecar."""
    for task in ("spam", "toxicity"):
        with zipfile.ZipFile(folder / f"{task}.skops", "w") as archive:
            archive.writestr("schema.json", "{}")
        (folder / f"{task}.json").write_text(json.dumps({"task": task}))


@pytest.fixture
def models_load(monkeypatch, tmp_path):
    """A model folder whose files look right and whose loader accepts them."""
    write_model_files(tmp_path)
    monkeypatch.setattr(moderation_checks, "load_model", lambda path: object())
    moderation_checks._load_problem.cache_clear()
    with override_settings(MODERATION={"MODEL_DIR": str(tmp_path)}):
        yield tmp_path
    moderation_checks._load_problem.cache_clear()


# E001, W010: thresholds ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [1.5, -0.1, "0.5", True])
def test_a_threshold_that_is_not_a_probability_is_an_error(value):
    with override_settings(MODERATION={"SPAM_HOLD_THRESHOLD": value}):
        messages = moderation_checks.check_thresholds()
    assert ids(messages) == ["moderation.E001"]
    assert "SPAM_HOLD_THRESHOLD" in messages[0].msg


@pytest.mark.parametrize("value", [None, 0, 0.5, 1])
def test_thresholds_between_0_and_1_or_none_pass(value):
    with override_settings(MODERATION={"TOXICITY_HOLD_THRESHOLD": value}):
        assert moderation_checks.check_thresholds() == []


def test_a_hold_threshold_above_the_reject_threshold_is_a_warning():
    config = {"SPAM_HOLD_THRESHOLD": 0.97, "SPAM_REJECT_THRESHOLD": 0.9}
    with override_settings(MODERATION=config):
        assert ids(moderation_checks.check_thresholds()) == ["moderation.W010"]


# E002: model files --------------------------------------------------------------------------


def test_missing_model_files_are_an_error_naming_them(tmp_path):
    with override_settings(MODERATION={"MODEL_DIR": str(tmp_path)}):
        messages = moderation_checks.check_model_files()
    assert ids(messages) == ["moderation.E002", "moderation.E002"]
    assert str(tmp_path / "spam.skops") in messages[0].msg
    assert "MODEL_DIR" in messages[0].hint


@pytest.mark.parametrize(
    ("model", "sidecar"),
    [
        (b"not a model at all", '{"task": "spam"}'),
        (None, "{not json"),
        (None, '{"task": "toxicity"}'),
    ],
)
def test_malformed_model_files_are_an_error_without_loading_them(tmp_path, model, sidecar):
    write_model_files(tmp_path)
    if model is not None:
        (tmp_path / "spam.skops").write_bytes(model)
    (tmp_path / "spam.json").write_text(sidecar)
    with override_settings(MODERATION={"MODEL_DIR": str(tmp_path)}):
        messages = moderation_checks.check_model_files()
    assert ids(messages) == ["moderation.E002"]
    assert "spam" in messages[0].msg


def test_the_fast_check_does_not_load_the_models(models_load, monkeypatch):
    def refuse(path):
        raise AssertionError("loaded")

    monkeypatch.setattr(moderation_checks, "load_model", refuse)
    assert moderation_checks.check_model_files() == []


def test_model_files_the_loader_accepts_pass_the_deploy_check(models_load):
    assert moderation_checks.check_models_load() == []


def test_a_loader_failure_is_reported_by_the_deploy_check(models_load, monkeypatch):
    def refuse(path):
        raise ModelError("holds types outside the allow-list")

    monkeypatch.setattr(moderation_checks, "load_model", refuse)
    messages = moderation_checks.check_models_load()
    assert ids(messages) == ["moderation.E002", "moderation.E002"]
    assert "allow-list" in messages[0].msg


def test_a_well_formed_archive_that_is_no_model_fails_to_load(tmp_path):
    write_model_files(tmp_path)
    moderation_checks._load_problem.cache_clear()
    with override_settings(MODERATION={"MODEL_DIR": str(tmp_path)}):
        assert ids(moderation_checks.check_models_load()) == ["moderation.E002"] * 2


def test_the_shipped_models_pass_the_deploy_check():
    moderation_checks._load_problem.cache_clear()
    with override_settings(MODERATION={}):
        assert moderation_checks.check_models_load() == []


# E003: broker -------------------------------------------------------------------------------


def test_no_broker_is_an_error(monkeypatch):
    from celery import current_app

    monkeypatch.setattr(current_app.conf, "broker_url", None)
    with override_settings(CELERY_BROKER_URL=""):
        assert ids(moderation_checks.check_broker()) == ["moderation.E003"]


def test_a_configured_broker_passes():
    with override_settings(CELERY_BROKER_URL="redis://redis:6379/0"):
        assert moderation_checks.check_broker() == []


# W004: email --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "debug"),
    [
        ("django.core.mail.backends.dummy.EmailBackend", True),
        ("django.core.mail.backends.console.EmailBackend", False),
        ("no.such.EmailBackend", True),
    ],
)
def test_notifications_without_a_delivering_email_backend_are_a_warning(backend, debug):
    config = {"NOTIFY_EMAILS": ["mod@example.org"]}
    with override_settings(MODERATION=config, EMAIL_BACKEND=backend, DEBUG=debug):
        assert ids(moderation_checks.check_email()) == ["moderation.W004"]


def test_notifications_with_an_smtp_server_pass():
    config = {"NOTIFY_EMAILS": ["mod@example.org"]}
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(MODERATION=config, EMAIL_BACKEND=smtp, EMAIL_HOST="mail.example.org"):
        assert moderation_checks.check_email() == []


def test_no_notifications_need_no_email_backend():
    dummy = "django.core.mail.backends.dummy.EmailBackend"
    with override_settings(MODERATION={"NOTIFY_EMAILS": ()}, EMAIL_BACKEND=dummy):
        assert moderation_checks.check_email() == []


# E005, E006: templates ----------------------------------------------------------------------


def test_a_missing_request_context_processor_is_an_error():
    templates = templates_without("django.template.context_processors.request")
    with override_settings(TEMPLATES=templates):
        messages = moderation_checks.check_templates()
    assert ids(messages) == ["moderation.E005"]
    assert "context_processors.request" in messages[0].hint


def test_a_tag_library_shadowing_moderation_tags_is_an_error():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["libraries"] = {"moderation_tags": "django.templatetags.static"}
    with override_settings(TEMPLATES=templates):
        assert "moderation.E005" in ids(moderation_checks.check_templates())


def test_no_django_template_engine_is_an_error():
    with override_settings(TEMPLATES=[]):
        assert ids(moderation_checks.check_templates()) == ["moderation.E005"]


def test_templates_that_cannot_be_found_are_an_error():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    with override_settings(TEMPLATES=templates):
        assert ids(moderation_checks.check_templates()) == ["moderation.E006"]


def test_the_demo_sites_templates_pass():
    assert moderation_checks.check_templates() == []


# W007, E008: the MODERATION dict ------------------------------------------------------------


def test_an_unknown_key_is_a_warning_suggesting_the_close_one():
    with override_settings(MODERATION={"SPAM_HOLD_TRESHOLD": 0.5}):
        messages = moderation_checks.check_settings_dict()
    assert ids(messages) == ["moderation.W007"]
    assert "SPAM_HOLD_THRESHOLD" in messages[0].hint


def test_moderation_that_is_not_a_dict_is_an_error():
    with override_settings(MODERATION=[("MAX_LINKS", 3)]):
        assert ids(moderation_checks.check_settings_dict()) == ["moderation.E008"]


# E009: trusted proxies ----------------------------------------------------------------------


@pytest.mark.parametrize("proxies", [("10.0.0.0/8", "proxy.local"), "10.0.0.1"])
def test_trusted_proxies_that_are_not_networks_are_an_error(proxies):
    with override_settings(MODERATION={"TRUSTED_PROXIES": proxies}):
        assert ids(moderation_checks.check_trusted_proxies()) == ["moderation.E009"]


def test_trusted_proxies_as_addresses_and_ranges_pass():
    with override_settings(MODERATION={"TRUSTED_PROXIES": ["172.16.0.0/12", "::1"]}):
        assert moderation_checks.check_trusted_proxies() == []


# Registration -------------------------------------------------------------------------------


def test_the_checks_are_registered_and_run_by_django(models_load):
    with override_settings(MODERATION={"MODEL_DIR": str(models_load), "MAX_LINX": 3}):
        assert moderation_ids() == ["moderation.W007"]
    with override_settings(MODERATION={"MODEL_DIR": str(models_load / "nowhere")}):
        assert moderation_ids() == ["moderation.E002"] * 2


def test_loading_the_models_is_a_deployment_check():
    deploy_checks = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert moderation_checks.check_models_load in deploy_checks
    assert moderation_checks.check_models_load not in checks.registry.registry.get_checks()


# Documentation ------------------------------------------------------------------------------


def test_every_setting_is_documented_in_the_settings_table():
    documented = set(re.findall(r"^\| `(\w+)` \|", (DOCS / "settings.md").read_text(), re.M))
    assert documented == set(DEFAULTS)


def test_every_check_id_is_documented_with_its_fix():
    source = Path(moderation_checks.__file__).read_text()
    ids_in_code = set(re.findall(r'id="(moderation\.[EW]\d{3})"', source))
    documented = set(
        re.findall(r"^\| `(moderation\.[EW]\d{3})` \|", (DOCS / "quickstart.md").read_text(), re.M)
    )
    assert len(ids_in_code) == 13
    assert documented == ids_in_code


@pytest.mark.parametrize(
    ("site_url", "warned"),
    [("", True), ("news.example.org", True), ("/", True), ("https://news.example.org", False)],
)
def test_a_site_url_that_is_not_absolute_is_reported_by_the_deploy_check(site_url, warned):
    with override_settings(MODERATION={"SITE_URL": site_url}):
        found = ids(moderation_checks.check_site_url())
    assert found == (["moderation.W011"] if warned else [])


# W013: the page cache -----------------------------------------------------------------------

REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize(
    "caches, config, warned",
    [
        (REDIS_CACHE, {}, False),
        (LOCMEM_CACHE, {}, True),
        (LOCMEM_CACHE, {"PAGE_CACHE": False}, False),
        (REDIS_CACHE, {"PAGE_CACHE_ALIAS": "pages"}, True),
    ],
)
def test_a_page_cache_of_one_process_is_reported_by_the_deploy_check(caches, config, warned):
    with override_settings(CACHES=caches, MODERATION=config):
        found = ids(moderation_checks.check_page_cache())
    assert found == (["moderation.W013"] if warned else [])
