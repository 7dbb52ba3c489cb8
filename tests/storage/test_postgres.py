"""A shared PostgreSQL results database: schema creation by many processes at once, claims
under concurrency (on SQLite too), schema upgrades and refusals, and the one-line messages
for a server that cannot be reached or refuses the login. Every test uses a real server
(tests/postgres_server.py), never a mock."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from dlbench.errors import StorageError
from dlbench.storage import RunStore, display_url
from dlbench.storage.migrations import RESULTS
from dlbench.storage.models import Base, Run, RunClaim
from tests.postgres_server import PASSWORD, PASSWORD_USER, USER, free_port
from tests.quiz.conftest import loaded, mini_bank  # noqa: F401  (fixtures of the quiz test)
from tests.quiz.test_exam import \
    test_the_same_seed_asks_the_same_questions_from_the_cli as exams_through_the_cli
from tests.quiz.test_progress import test_due_dates_follow_the_answers as quiz_round_trip

from .test_store import claim


def scalar(url: str, sql: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_migrations_and_orm_agree_on_postgresql(pg_url):
    store = RunStore(pg_url, create=True)
    assert store.applied_migrations() == RESULTS.names()
    inspector = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        cols = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(cols) == set(table.columns.keys()), table.name
        for col in table.columns:
            assert cols[col.name]["nullable"] == col.nullable or col.primary_key, (table.name, col.name)
    store.close()


def test_one_engine_per_process_and_url(pg_url):
    first, second = RunStore(pg_url, create=True), RunStore(pg_url)
    assert first.engine is second.engine and first.engine.pool._pre_ping
    first.close()
    assert claim(second).decision == "claimed"  # closing one store keeps the other working
    second.close()


@pytest.mark.slow
def test_eight_processes_creating_the_schema_at_once_create_it_once(pg_url):
    code = ("import sys; from dlbench.storage import RunStore; "
            "RunStore(sys.argv[1], create=True).close(); print('ok')")
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "ok", err
    assert scalar(pg_url, "SELECT count(*) FROM schema_migrations") == len(RESULTS.names())
    assert scalar(pg_url, "SELECT count(DISTINCT name) FROM schema_migrations") == len(RESULTS.names())


def test_concurrent_claims_store_one_run_per_configuration(any_db_url):
    """Eight threads (own connections, one process) claim overlapping configurations; a
    lost race rolls its run row back, so run rows == distinct configurations."""
    store = RunStore(any_db_url, create=True)
    hashes = [f"{i:064x}" for i in range(12)]
    decisions: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(offset: int) -> None:
        try:
            start.wait()
            for h in hashes[offset % 4:] + hashes[:offset % 4]:
                got = claim(store, config_hash=h)
                decisions.append(got.decision)
                if got.decision == "claimed":
                    store.store_result(got.run_id, status="finished", summary={"x": 1.0})
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert decisions.count("claimed") == len(hashes)
    with store.db.read() as session:
        runs = session.execute(select(Run.config_hash, Run.status)).all()
        claims = session.scalar(select(func.count()).select_from(RunClaim))
    assert len(runs) == len(hashes) == len({h for h, _ in runs}) == claims
    assert {s for _, s in runs} == {"finished"}
    store.close()


def test_a_repeated_claim_insert_is_a_no_op(any_db_url):
    """The claim insert itself is idempotent: repeating it adds nothing and fails nothing."""
    from dlbench.storage.database import insert_ignoring_conflicts

    store = RunStore(any_db_url, create=True)
    run_id = claim(store).run_id
    with store.db.write() as conn:
        again = conn.execute(insert_ignoring_conflicts(conn, RunClaim, "config_hash", "code_version")
                             .values(config_hash="ab" * 32, code_version="0.1.0", run_id=run_id)
                             .returning(RunClaim.run_id)).first()
    assert again is None
    with store.db.read() as session:
        assert session.scalar(select(func.count()).select_from(RunClaim)) == 1
    store.close()


# -- an older and a newer schema on a shared database --------------------------------------
def _old_schema(url: str, upto: int) -> None:
    """A database as an older dlbench left it: the first ``upto`` results migrations."""
    from dlbench.storage import migrations

    engine = create_engine(url)
    with engine.begin() as conn:
        table = migrations._migrations_table(migrations.MetaData())
        table.create(conn)
        for name, fn in RESULTS.migrations[:upto]:
            fn(conn)
            conn.execute(table.insert().values(name=name))
        conn.execute(text(
            "INSERT INTO runs (task, status, config_hash, choices, config, code_version) "
            "VALUES ('convergence', 'finished', :h, '{}', '{\"lr\": 0.1}', '0.0.9')"),
            {"h": "ef" * 32})
    engine.dispose()


def test_an_older_schema_on_postgresql_is_upgraded_keeping_every_row(pg_url):
    _old_schema(pg_url, upto=2)  # 0001 and 0003: before run owners, heartbeats and claims
    store = RunStore(pg_url, create=True)
    assert store.applied_migrations()[-1] == RESULTS.names()[-1]
    (old,) = store.list_runs()
    assert old.config_hash == "ef" * 32 and old.status == "finished" and old.config == {"lr": 0.1}
    assert store.find_reusable("ef" * 32, "0.0.9") == old.id  # backfilled claim: reused
    store.close()


def test_a_newer_schema_on_postgresql_is_refused_untouched(pg_url):
    RunStore(pg_url, create=True).close()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_migrations VALUES ('9999_from_the_future', now())"))
        before = conn.execute(text("SELECT name FROM schema_migrations ORDER BY name")).all()
    with pytest.raises(StorageError, match="newer dlbench.*9999_from_the_future"):
        RunStore(pg_url, create=True)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM schema_migrations ORDER BY name")).all() == before
    engine.dispose()


def test_a_foreign_postgresql_database_is_refused(pg_url):
    assert scalar(pg_url, "SELECT 1") == 1
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE runs (id serial PRIMARY KEY, who text)"))
    engine.dispose()
    with pytest.raises(StorageError, match="not a dlbench database"):
        RunStore(pg_url, create=True)
    assert scalar(pg_url, "SELECT count(*) FROM information_schema.tables "
                          "WHERE table_schema = 'public'") == 1


# -- a server that cannot be reached or refuses us: one line, password masked ---------------
def test_connection_refused_is_one_line():
    port = free_port()  # nobody listens there
    with pytest.raises(StorageError) as info:
        RunStore(f"postgresql+psycopg://{USER}:hunter2@127.0.0.1:{port}/results", create=True)
    message = str(info.value)
    assert message.startswith("cannot reach database postgresql+psycopg://dlbench:***@127.0.0.1")
    assert "Connection refused" in message and "\n" not in message and "hunter2" not in message


def test_wrong_password_is_one_line(postgres_server):
    url = f"postgresql+psycopg://{PASSWORD_USER}:not-it@127.0.0.1:{postgres_server.port}/postgres"
    with pytest.raises(StorageError) as info:
        RunStore(url, create=True)
    message = str(info.value)
    assert message.startswith("cannot log in to database") and "wrong user name or password" in message
    assert "not-it" not in message and "***" in message and "\n" not in message


def test_right_password_opens(postgres_server):
    name = "with_password"
    postgres_server.create_database(name)
    postgres_server.admin(f'ALTER DATABASE "{name}" OWNER TO {PASSWORD_USER}')
    url = f"postgresql+psycopg://{PASSWORD_USER}:{PASSWORD}@127.0.0.1:{postgres_server.port}/{name}"
    store = RunStore(url, create=True)
    assert PASSWORD not in store.display and "***" in store.display
    store.close()
    postgres_server.drop_database(name)


def test_unknown_database_and_user_are_one_line(postgres_server):
    port = postgres_server.port
    with pytest.raises(StorageError, match=r"^cannot open database .*: no such database"):
        RunStore(f"postgresql+psycopg://{USER}@127.0.0.1:{port}/no_such_db", create=True)
    with pytest.raises(StorageError, match=r"^cannot log in to database .*: no such user"):
        RunStore(f"postgresql+psycopg://nobody@127.0.0.1:{port}/postgres", create=True)


def test_display_url_masks_the_password():
    assert display_url("postgresql+psycopg://ann:s3cret@db.lab:5432/runs") == \
        "postgresql+psycopg://ann:***@db.lab:5432/runs"
    assert display_url("postgresql+psycopg://ann@db.lab/runs") == "postgresql+psycopg://ann@db.lab/runs"


def test_the_cli_refuses_an_unreachable_database_before_any_run(invoke, tmp_path):
    url = f"postgresql+psycopg://{USER}:pw@127.0.0.1:{free_port()}/results"
    result = invoke("--db", url, "run", "convergence", "--preset", "test")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("Error: cannot reach database"), lines
    assert "pw@" not in result.output and "Traceback" not in result.output


# -- the quiz store on PostgreSQL ---------------------------------------------------------------
def test_quiz_progress_works_on_postgresql(loaded, pg_url):  # noqa: F811
    quiz_round_trip(loaded, pg_url)


def test_mock_exams_are_stored_on_postgresql(invoke, pg_url):
    exams_through_the_cli(invoke, pg_url)  # `dlbench quiz exam --progress-db <postgresql>`


def test_results_and_quiz_progress_need_separate_postgresql_databases(postgres_server, pg_url):
    from dlbench.storage.quiz_store import QuizStore

    RunStore(pg_url, create=True).close()
    with pytest.raises(StorageError, match="results database, not a quiz-progress database"):
        QuizStore(pg_url)
