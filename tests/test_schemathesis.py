"""Property-based fuzzing of the JSON API from docs/openapi.yaml, in process, on SQLite and PostgreSQL.

Schemathesis generates requests from the spec (valid ones and, in its negative mode, ones
that break it: wrong types, missing fields, out-of-range values) and runs its checks on
every response: never a 5xx, status codes, content types and bodies as the spec says.
Half of the generated ids and participation tokens are swapped for real ones, so that
the requests reach the code behind the 404 and 403 gates.

The number of examples per operation is bounded (FUZZ_EXAMPLES, default 10) so that the
test takes well under a minute per database; raise it to fuzz harder:
`FUZZ_EXAMPLES=200 python -m pytest -q tests/test_schemathesis.py`.
"""
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.checks import load_all_checks  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from deliberation import operations as ops  # noqa: E402
from deliberation.models import Origin, Statement  # noqa: E402
from voix.accounts.auth import issue_api_token  # noqa: E402
from voix.extensions import db  # noqa: E402
from voix.institutions.models import Institution, InstitutionCode  # noqa: E402

SPEC = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ID_PARAMETERS = ("wave_id", "consultation_id", "idea_id", "statement_id", "comment_id")
# Generated "valid" data may still name an idea or token that does not exist: a 404 or a 422 is
# then right, so "positive data is accepted" cannot hold for random ids.
EXCLUDED_CHECKS = [positive_data_acceptance]
# Unknown query parameters and body fields are ignored, as most web APIs do; the spec does not
# forbid them (no additionalProperties: false), so they are not "invalid" requests here.
CONFIG = {"generation": {"allow-extra-parameters": False}}
# Operations whose every parameter is free text: no request can break their schema (Hypothesis
# would spend hundreds of tries to find none).
NOTHING_INVALID = {"GET /waves"}


@pytest.fixture
def real(app, make_wave, make_user, territories, client):
    """Real ids and tokens, swapped into some generated requests."""
    wave = make_wave()
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    carrier = ops.new_participant(consultation, Origin.personal)
    idea = ops.propose_idea(consultation, carrier, title="Des bancs", body="Des bancs à l'ombre")
    ops.propose_idea(consultation, carrier, title="Un terrain", body="Un terrain de foot")
    statement = Statement(consultation_id=consultation.id, text="Le square est sale")
    db.session.add_all([statement, Institution(code=InstitutionCode.mairie, name="Mairie de Tours",
                                               territory=territories["tours"])])
    db.session.commit()
    comment, _ = ops.add_comment(idea, carrier, "Bonne idée", ops.Position.neutral,
                                 uuid="0b7d8a3e-6f1c-4a0b-9c52-3f7d1b2e4a21")
    api_token = issue_api_token(make_user("facilitator", ("sanitas",), email="fuzz@example.org"), "fuzz")
    db.session.commit()
    return {"wave_id": wave.id, "consultation_id": consultation.id, "idea_id": idea.id,
            "statement_id": statement.id, "comment_id": comment.id, "token": carrier.token,
            "api_token": api_token, "territory": "sanitas"}


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def _use_real_values(case, real, swap):
    for name in ID_PARAMETERS:
        if case.path_parameters and name in case.path_parameters and swap.draw(st.booleans()):
            case.path_parameters[name] = real[name]
    if isinstance(case.body, dict) and "token" in case.body and swap.draw(st.booleans()):
        case.body["token"] = real["token"]
    if case.query and "territory" in case.query and swap.draw(st.booleans()):
        case.query["territory"] = real["territory"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_conforms_to_its_spec_and_never_answers_5xx(app, real, mode):
    load_all_checks()
    schema = schemathesis.openapi.from_path(SPEC, config=SchemathesisConfig.from_dict(CONFIG))
    schema.app = app
    headers = {"Authorization": f"Bearer {real['api_token']}"}
    failures = []
    for operation in _operations(schema):
        if mode is GenerationMode.NEGATIVE and operation.label in NOTHING_INVALID:
            continue

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode), swap=st.data())
        def fuzz(case, swap):
            if mode is GenerationMode.POSITIVE:  # an invalid request must stay invalid
                _use_real_values(case, real, swap)
            db.session.commit()  # the test's own session must not hold a transaction open (SQLite)
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

        try:
            fuzz()
        except Unsatisfiable:  # e.g. GET /waves: only free-text parameters, so nothing invalid to send
            continue
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 -- fuzz every operation, report all
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
