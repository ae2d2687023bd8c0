"""Property-based test of the emulator against its own OpenAPI document (schemathesis).

Generated requests go over loopback HTTP; every response must be documented (status, content type,
headers, body schema) and none may be a server error. Bounded to keep CI fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from opus_tui.services.portal import PortalClient, RetryPolicy
from opus_tui.services.portal_emulator import running_emulator

KEY = "schema-test-nyckel-77aa"
EXISTING = "opustandlakarna"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def portal_schema() -> Iterator[Any]:
    with running_emulator(api_keys=[KEY], seed=1) as emu:
        with PortalClient(emu.url, KEY, retry=RetryPolicy(attempts=1)) as client:
            client.claim_subdomain(EXISTING)
        yield schemathesis.openapi.from_url(f"{emu.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("portal_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_emulator_conforms_to_its_openapi(case: Any) -> None:
    if "name" in (case.path_parameters or {}) and case.path_parameters["name"] == "":
        case.path_parameters["name"] = EXISTING
    case.call_and_validate(headers={"apiKey": KEY}, checks=CHECKS)
