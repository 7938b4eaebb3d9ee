"""Schemathesis against the published OpenAPI schema of a live server: no 5xx, ever.

Every operation in the schema is exercised with its explicit examples, schema-valid
generated data and schema-violating data; each response must not be a 5xx and must
match the schema. Bounded: a couple of dozen cases per operation and mode.
"""

from __future__ import annotations

from collections import Counter

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from test_server_support import LiveServer, library_with_voice  # noqa: E402
from timbrel.server import ServerLimits, create_app  # noqa: E402

KEY = "schema-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
EXAMPLES_PER_MODE = 20
CHECKS = {
    GenerationMode.POSITIVE: [not_a_server_error, status_code_conformance,
                              content_type_conformance, response_schema_conformance],
    # Schema-violating input must be refused with a documented 4xx, never a 5xx.
    GenerationMode.NEGATIVE: [not_a_server_error, status_code_conformance],
}


@pytest.fixture(scope="module")
def live(tmp_path_factory, voice):
    library = library_with_voice(tmp_path_factory.mktemp("schema-library"), voice, "alloy")
    limits = ServerLimits(max_text_chars=200, max_upload_bytes=2_000_000)
    with LiveServer(create_app(library, api_key=KEY, limits=limits)) as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(live):
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json", headers=AUTH)


def test_schema_lists_every_route(api_schema):
    operations = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert operations == set(OPERATIONS)


OPERATIONS = [
    ("GET", "/health"), ("GET", "/v1/models"), ("GET", "/v1/controls"),
    ("POST", "/v1/audio/speech"), ("GET", "/v1/voices"), ("POST", "/v1/voices"),
    ("GET", "/v1/voices/{name}"), ("DELETE", "/v1/voices/{name}"),
    ("POST", "/v1/references/check"),
    ("POST", "/v1/watermark/detect"),
]


WITH_INPUT = [(method, path) for method, path in OPERATIONS
              if method != "GET" or "{" in path]
CASES = ([pytest.param(m, p, GenerationMode.POSITIVE, id=f"{m} {p} positive")
          for m, p in OPERATIONS]
         + [pytest.param(m, p, GenerationMode.NEGATIVE, id=f"{m} {p} negative")
            for m, p in WITH_INPUT])


@pytest.mark.parametrize("method, path, mode", CASES)
def test_no_server_errors(api_schema, live, method, path, mode):
    operation = api_schema[path][method]
    strategies = [operation.as_strategy(generation_mode=mode)]
    if mode is GenerationMode.POSITIVE:
        strategies += api_schema.get_strategies_from_examples(operation)
    seen: list[int] = []

    @given(case=st.one_of(strategies))
    @settings(max_examples=EXAMPLES_PER_MODE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        if method == "DELETE":  # keep the library's voice for the other operations
            case.path_parameters = {"name": "gone-" + str(case.path_parameters["name"])[:40]}
        response = case.call_and_validate(base_url=live.url, headers=AUTH,
                                          checks=CHECKS[mode], timeout=60)
        seen.append(response.status_code)

    run()
    print(method, path, mode.value, sorted(Counter(seen).items()))
    assert seen and max(seen) < 500
