"""Schemathesis over every operation of /api/v1/openapi.json, in-process through the WSGI app.

Run once with a bearer token and once with a browser session (writes carry the CSRF header), against a
street with people, an organisation, a facility with beds and an occupied bed, so generated paths hit real
rows as well as missing ones. Passes when no answer is a server error and every answer (status, content
type, body) is one the document declares. Bounded: a few examples per operation, no shrinking, the same
cases on every run (set YANGLAO_FUZZ_EXAMPLES to explore more).
"""

from __future__ import annotations

import itertools
import os
import secrets

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yanglao.core import services as core_services
from yanglao.core.testing import api_rows
from yanglao.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
STREET = "310104003000"
PATH_VALUES: dict[str, list] = {}


@pytest.fixture
def seeded(street_officer):
    """Demo-like rows in the officer's street; their ids feed the generated paths."""
    PATH_VALUES.update(api_rows.seed(street_officer))
    return street_officer


@pytest.fixture
def in_process():
    """The WSGI handler closes "old" connections around each request, which would end the test's
    transaction; in-process the request shares it, so those two receivers are off for the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _load(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


_calls = itertools.count()


def _real_rows(case) -> None:
    """Well-typed ids and region codes in the path become a seeded row's, so writes reach real rows; every
    fourth call keeps what was generated (a missing row). Ill-typed values stay as they are."""
    n = next(_calls)
    if n % 4 == 0:
        return
    for name, value in (case.path_parameters or {}).items():
        rows = PATH_VALUES.get(name)
        well_typed = name == "code" or type(value) is int or (isinstance(value, str) and value.isdigit())
        if rows and well_typed:
            case.path_parameters[name] = rows[n % len(rows)]
    if case.query and "region" in case.query and n % 2:
        case.query["region"] = STREET


@pytest.fixture
def token_schema(seeded, in_process):
    _, secret = core_services.api_token_create(actor=seeded, name="fuzz")
    schema = _load(in_process)
    schema.fuzz_headers = {"Authorization": f"Bearer {secret}"}
    schema.fuzz_cookies = {}
    return schema


@pytest.fixture
def session_schema(seeded, in_process, client):
    client.force_login(seeded)
    csrf = secrets.token_hex(16)  # a 32-character secret is a valid unmasked CSRF token
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    schema = _load(in_process)
    schema.fuzz_headers = {"X-CSRFToken": csrf}
    schema.fuzz_cookies = {django_settings.SESSION_COOKIE_NAME: session, "csrftoken": csrf}
    return schema


# CI runs a fixed, small sample; YANGLAO_FUZZ_EXAMPLES=200 explores further with fresh random cases.
EXPLORE = os.environ.get("YANGLAO_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(EXPLORE or 5),
    derandomize=not EXPLORE,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(schema, modes: list[HypothesisTestMode]) -> list[str]:
    """Every operation: schemathesis's coverage cases when asked (each field's boundaries, wrong types and
    nulls, missing and extra fields), then a few random ones. The failures, one entry per operation."""

    def call(case):
        _real_rows(case)
        case.cookies = {**(case.cookies or {}), **schema.fuzz_cookies}
        case.call_and_validate(headers=schema.fuzz_headers, checks=CHECKS)

    config = HypothesisTestConfig(
        project=schema.config,
        modes=modes,
        settings=FUZZ,
    )
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        test = create_test(operation=operation, test_func=call, config=config)
        try:
            test()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # (schemathesis raises a failure group) every operation runs; all listed
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_every_operation_with_a_bearer_token(token_schema):
    failures = _fuzz(token_schema, [HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING])
    assert not failures, "\n\n".join(failures)


def test_every_operation_with_a_session(session_schema):
    """The same operations through the session path (CSRF on writes); random cases only, to stay quick."""
    failures = _fuzz(session_schema, [HypothesisTestMode.FUZZING])
    assert not failures, "\n\n".join(failures)
