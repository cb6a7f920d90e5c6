"""Concurrent writes from several processes and threads give exact counts, on SQLite
and PostgreSQL: survey responses (one per UUID), deliberation votes (exact tallies) and
residents' questions to institutions (one per UUID)."""
import multiprocessing
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from sqlalchemy import func, select

from deliberation import operations as ops
from deliberation.models import (
    InstitutionQuestion,
    Moderation,
    Origin,
    PairwiseVote,
    Statement,
    StatementVote,
    Support,
)
from surveys.models import Answer, Response
from tests.conftest import count_rows, make_app
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode
from voix.privacy import warm_up

PROCESSES, THREADS_PER_PROCESS = 4, 8


def send_batch(database_url, chains, start_at):
    """Runs in a separate process with its own app and connection pool.

    Each chain is a list of (path, json body) sent in order by one thread; chains run
    concurrently. Returns [(path, body, status)] for every request.
    """
    app = make_app(database_url)
    # As gunicorn workers do at boot (wsgi.py): the scrubber's model and word lists are
    # loaded before the first request, not by a request holding SQLite's write lock.
    warm_up()
    clients = [app.test_client() for _ in range(THREADS_PER_PROCESS)]

    def run(index_and_chain):
        index, chain = index_and_chain
        client = clients[index % THREADS_PER_PROCESS]
        return [(path, body, client.post(path, json=body).status_code) for path, body in chain]

    time.sleep(max(0.0, start_at - time.time()))  # every process fires at the same moment
    with ThreadPoolExecutor(THREADS_PER_PROCESS) as pool:
        results = [result for chain in pool.map(run, enumerate(chains)) for result in chain]
    with app.app_context():
        db.engine.dispose()
    return results


def send_concurrently(database_url, chains):
    # Interleave so that every process gets a share of each kind of request.
    batches = [chains[i::PROCESSES] for i in range(PROCESSES)]
    start_at = time.time() + 3
    with ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(send_batch, database_url, batch, start_at) for batch in batches]
        return [result for future in futures for result in future.result()]


def test_concurrent_submissions_are_stored_exactly_once(app, database_url, make_wave):
    wave = make_wave()
    distinct = [str(uuid.uuid4()) for _ in range(134)]
    submissions = distinct + [distinct[0]] * 66  # 200 in all, a third repeating one UUID
    path = f"/api/v1/waves/{wave.id}/responses"
    chains = [[(path, {"uuid": u, "answers": {"mood": 1 + i % 5, "priority": "clean", "why": f"réponse {i}"}})]
              for i, u in enumerate(submissions)]
    results = send_concurrently(database_url, chains)

    assert len(results) == 200
    statuses = Counter(status for _path, _body, status in results)
    assert set(statuses) <= {200, 201}, statuses
    created = Counter(body["uuid"] for _path, body, status in results if status == 201)
    assert set(created) == set(distinct) and set(created.values()) == {1}
    assert statuses[200] == 66
    assert count_rows(Response) == 134
    assert count_rows(Answer) == 134 * 3


def test_concurrent_votes_give_exact_tallies(app, database_url, territories):
    consultation = ops.create_consultation({"fr": "Square"}, territories["sanitas"])
    carrier = ops.new_participant(consultation, Origin.personal)
    a, b, c = (ops.propose_idea(consultation, carrier, title=t, body=t) for t in ("Bancs", "Foot", "Fresque"))
    statement = Statement(consultation_id=consultation.id, text="Le square est sale", moderation=Moderation.accepted)
    db.session.add(statement)
    ops.advance_phase(consultation)
    people = [ops.new_participant(consultation, Origin.kiosk).token for _ in range(30)]
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add(mairie)
    db.session.commit()

    def vote(path, token, **fields):
        return (path, {"uuid": str(uuid.uuid4()), "token": token, **fields})

    chains = []
    for token in people:
        support = vote(f"/api/v1/ideas/{a.id}/supports", token)
        chains += [[support], [support], [vote(f"/api/v1/ideas/{a.id}/supports", token)]]  # repeat, then a 2nd try
        first = vote(f"/api/v1/statements/{statement.id}/votes", token, value=1)
        # Agree, change to disagree, then a late re-send of the first vote: disagree must stay.
        chains.append([first, vote(f"/api/v1/statements/{statement.id}/votes", token, value=-1), first])
        for winner, loser in ((a, b), (c, a)):
            pair = vote(f"/api/v1/consultations/{consultation.id}/pairwise", token, winner=winner.id, loser=loser.id)
            chains += [[pair], [pair]]
        question = vote(f"/api/v1/consultations/{consultation.id}/questions", token, institution=mairie.id,
                        text="Quand le square rouvre-t-il ?")
        chains += [[question], [question], [question]]  # a question re-sent twice at once
    results = send_concurrently(database_url, chains)

    assert len(results) == 390
    assert {status for _path, _body, status in results} <= {200, 201}
    assert count_rows(Support) == 30
    assert db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id != a.id)) == 0
    values = db.session.scalars(select(StatementVote.value)).all()
    assert len(values) == 30 and set(values) == {-1}
    wins = Counter(db.session.scalars(select(PairwiseVote.winner_id)).all())
    assert wins == {a.id: 30, c.id: 30}
    assert count_rows(InstitutionQuestion) == 30
    asked = [body["uuid"] for path, body, status in results if path.endswith("/questions") and status == 201]
    assert len(asked) == len(set(asked)) == 30
