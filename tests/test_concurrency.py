"""200 concurrent submissions from several processes and threads, a third of them
repeats of one UUID: exactly one stored response per UUID, on SQLite and PostgreSQL."""
import multiprocessing
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from surveys.models import Answer, Response
from tests.conftest import count_rows, make_app
from voix.extensions import db

PROCESSES, THREADS_PER_PROCESS = 4, 8


def submit_batch(database_url, wave_id, uuids, start_at):
    """Runs in a separate process: its own app, engine and connection pool."""
    app = make_app(database_url)
    clients = [app.test_client() for _ in range(THREADS_PER_PROCESS)]

    def post(index_and_uuid):
        index, response_uuid = index_and_uuid
        body = {"uuid": response_uuid, "answers": {"mood": 1 + index % 5, "priority": "clean", "why": f"réponse {index}"}}
        response = clients[index % THREADS_PER_PROCESS].post(f"/api/v1/waves/{wave_id}/responses", json=body)
        return response_uuid, response.status_code

    time.sleep(max(0.0, start_at - time.time()))  # every process fires at the same moment
    with ThreadPoolExecutor(THREADS_PER_PROCESS) as pool:
        results = list(pool.map(post, enumerate(uuids)))
    with app.app_context():
        db.engine.dispose()
    return results


def test_concurrent_submissions_are_stored_exactly_once(app, database_url, make_wave):
    wave = make_wave()
    distinct = [str(uuid.uuid4()) for _ in range(134)]
    repeated = distinct[0]
    submissions = distinct + [repeated] * 66  # 200 in all, a third repeating one UUID
    # Interleave so that every process sends some of the repeats.
    batches = [submissions[i::PROCESSES] for i in range(PROCESSES)]
    start_at = time.time() + 3
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        futures = [pool.submit(submit_batch, database_url, wave.id, batch, start_at) for batch in batches]
        results = [result for future in futures for result in future.result()]

    assert len(results) == 200
    statuses = Counter(status for _uuid, status in results)
    assert set(statuses) <= {200, 201}, statuses
    created = Counter(response_uuid for response_uuid, status in results if status == 201)
    assert set(created) == set(distinct) and set(created.values()) == {1}
    assert statuses[200] == 66
    assert count_rows(Response) == 134
    assert count_rows(Answer) == 134 * 3
