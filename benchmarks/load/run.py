"""Load test on loopback: volunteers opening "my assignments", staff opening case and household pages.

Run: ``/tmp/venv/bin/python benchmarks/load/run.py [--households 100000] [--users 50] [--duration 60]
[--database carematch_load] [--keep] [--server waitress|gunicorn] [--workers N] [--threads 8]
[--think 0 --think 1-5]``

Set-up (timed apart, not part of the figures):

1. a scratch PostgreSQL database (``--database``, default ``carematch_load``; never ``test``)
   is created on 127.0.0.1:5432, migrated with the real migrations, initialised
   (``core.cli.initialise``) and filled by ``core.demo.seed_demo(households=N)``; with
   ``--keep`` a later run reuses it as it is;
2. ``--users`` extra volunteer logins (``loadvol1`` …) are linked to the active volunteers
   with the most assignments, so each simulated volunteer sees real cards;
3. the app is served in a child process on 127.0.0.1 and an ephemeral port, by waitress
   (``carematch serve``'s server: one process, ``--threads``) or by gunicorn (``pip install
   -e '.[server]'``; ``--workers`` processes of ``--threads`` gthread threads, the Linux
   deployment in the README), and every simulated user logs in once.

Timed, once per ``--think`` phase: ``--users`` threads for ``--duration`` seconds; each
volunteer thread opens ``GET /my/assignments``, reads it for a time drawn uniformly from
the phase's range, and opens it again; ``--staff`` staff threads (board staff ``civil``)
open ``GET /cases/<id>`` and ``GET /households/<id>`` over random existing ids the same
way. The default phases are a closed loop (``0``: no reading time, the server's ceiling)
and ``1-5`` seconds, the reading time of locust's own example user
(``wait_time = between(1, 5)``): the usual meaning of "N concurrent users". Every request
is a full round trip through the server, Flask, the session cookie check, the access
decorators, the audit row the page writes and PostgreSQL. Figures printed per phase:
requests, errors (any status other than 200, or a connection error), requests/s,
p50/p95/p99 per page, CPU milliseconds per request of the web server and of PostgreSQL
(from /proc: steadier than latency on a shared machine), load average.

The script prints figures; it never asserts on time (README: benchmarks/ print figures).
Only loopback addresses are used. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PASSWORD = "load-test-password-2026"
HOST = "127.0.0.1"


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command, CPU seconds) of every process, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        command = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        rows.append((int(entry.name), int(fields[1]), command, (int(fields[11]) + int(fields[12])) / tick))
    return rows


def cpu_snapshot(server_pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by each process of the web server (with its workers) and of
    PostgreSQL, by pid.

    CPU time, unlike latency, hardly depends on what else runs on the machine, so the cost
    of a request can be compared between runs on a busy two-core machine."""
    stats = _proc_stats()
    server = {server_pid}
    for pid, parent, _command, _cpu in stats:
        if parent in server:
            server.add(pid)
    return {pid: ("web" if pid in server else "database", cpu) for pid, _parent, command, cpu in stats
            if pid in server or command.startswith("postgres")}


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> tuple[float, float]:
    """(web server, PostgreSQL) CPU seconds between two snapshots; a process that ended in
    between is not counted, one that started is counted whole."""
    used = {"web": 0.0, "database": 0.0}
    for pid, (kind, cpu) in after.items():
        used[kind] += cpu - before.get(pid, (kind, 0.0))[1]
    return used["web"], used["database"]


def admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")


def create_database(name: str) -> bool:
    """Create the scratch database; False when it already exists."""
    from sqlalchemy import text

    if name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use database {name!r}: give a scratch name")
    engine = admin_engine()
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return not exists


def drop_database(name: str) -> None:
    from sqlalchemy import text

    engine = admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def seed(url: str, households: int, users: int, cases: int = 0) -> dict[str, object]:
    from sqlalchemy import func, select

    from core.app import Platform
    from core.auth import create_user
    from core.cli import initialise
    from core.db import make_engine, make_session_factory
    from core.demo import seed_demo
    from core.models import Assignment, Case, Household, User, Volunteer
    from core.plugins import BoardHost, get_plugin_manager

    boards = BoardHost(get_plugin_manager())
    boards.import_models()
    engine = make_engine(url)
    platform = Platform(engine, make_session_factory(engine), boards, {})
    started = time.perf_counter()
    initialise(platform, admin_username="admin", admin_password=PASSWORD, enable_boards=True)
    with platform.session() as session:
        summary = seed_demo(session, households=households)
        session.commit()
        seeded = time.perf_counter() - started
        existing = set(session.scalars(select(User.username).where(User.username.like("loadvol%"))))
        # the active volunteers with the most assignments, not yet linked to a login
        busy = session.execute(
            select(Volunteer.id, func.count(Assignment.id).label("n"))
            .join(Assignment, Assignment.volunteer_id == Volunteer.id)
            .where(Volunteer.user_id.is_(None), Volunteer.state == "active")
            .group_by(Volunteer.id).order_by(func.count(Assignment.id).desc()).limit(users)
        ).all()
        for i, (volunteer_id, _n) in enumerate(busy, start=1):
            name = f"loadvol{i}"
            if name in existing:
                continue
            volunteer = session.get(Volunteer, volunteer_id)
            user = create_user(session, name, PASSWORD, role="volunteer", region_code=volunteer.region_code)
            volunteer.user_id = user.id
        if "loadstaff" not in set(session.scalars(select(User.username))):
            create_user(session, "loadstaff", PASSWORD, role="board_staff", board="civil_affairs",
                        region_code="230600")
        session.commit()
        # The demo seeds households, not applications: open cases through the real intake
        # (civil affairs receives them) so that staff have case pages to open.
        missing = cases - (session.scalar(select(func.count()).select_from(Case)) or 0)
        if missing > 0:
            from core.casework.services import open_case
            from core.models import Person

            staff = session.scalars(select(User).where(User.username == "loadstaff")).one()
            taken = select(Case.household_id).where(Case.household_id.is_not(None))
            for household_id, person_id in session.execute(
                    select(Household.id, func.min(Person.id)).join(Person, Person.household_id == Household.id)
                    .where(Household.id.not_in(taken)).group_by(Household.id).order_by(Household.id)
                    .limit(missing)).all():
                open_case(session, staff, board="civil_affairs", channel="application",
                          received_on=dt.date.today(), household_id=household_id, subject_id=person_id,
                          summary="load test application")
            session.commit()
        counts = {
            "households": session.scalar(select(func.count()).select_from(Household)),
            "cases": session.scalar(select(func.count()).select_from(Case)),
            "volunteer logins": session.scalar(select(func.count()).select_from(User).where(User.username.like("loadvol%"))),
            "assignments": session.scalar(select(func.count()).select_from(Assignment)),
            "case ids": list(session.scalars(select(Case.id))),
            "household ids": list(session.scalars(select(Household.id).order_by(func.random()).limit(5000))),
            "seconds": round(time.perf_counter() - started, 1),
            "seed seconds": round(seeded, 1),
            "created": summary.created,
        }
    engine.dispose()
    return counts


SERVE_GUNICORN = """
import sys
sys.path.insert(0, {root!r})
from gunicorn.app.base import BaseApplication
from core.app import create_app


class Server(BaseApplication):
    def load_config(self):
        for key, value in {{"bind": "127.0.0.1:{port}", "workers": {workers}, "threads": {threads},
                           "worker_class": "gthread", "backlog": 2048, "loglevel": "warning",
                           "keepalive": 75}}.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app({{"DATABASE_URL": {url!r}, "AUTO_MIGRATE": False, "SECRET_KEY": "load-test",
                           "INSTANCE_PATH": {instance!r}, "API_RATE_LIMIT": "1000000/minute",
                           "LOGIN_RATE_LIMIT": "1000000/minute"}})


Server().run()
"""

SERVE = """
import logging
import sys
sys.path.insert(0, {root!r})
logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a full queue is the point of a load test
import waitress
from core.app import create_app
app = create_app({{"DATABASE_URL": {url!r}, "AUTO_MIGRATE": False, "SECRET_KEY": "load-test",
                  "INSTANCE_PATH": {instance!r}, "API_RATE_LIMIT": "1000000/minute",
                  "LOGIN_RATE_LIMIT": "1000000/minute"}})
waitress.serve(app, host="127.0.0.1", port={port}, threads={threads}, _quiet=True, connection_limit=1000)
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(url: str, threads: int, server: str = "waitress", workers: int = 1) -> tuple[subprocess.Popen, int]:
    port = free_port()
    instance = Path("/tmp") / f"carematch-load-{os.getpid()}"
    template = SERVE_GUNICORN if server == "gunicorn" else SERVE
    code = template.format(root=str(ROOT), url=url, instance=str(instance), port=port, threads=threads,
                           workers=workers)
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not answer /healthz within 60 s")


class Client:
    """One simulated user: a keep-alive connection and a session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.conn.host, self.conn.port, timeout=30)
            raise
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = {"username": username, "password": PASSWORD}
        if token:
            form["csrf_token"] = token.group(1).decode()
        status, _ = self.request("POST", "/login", urlencode(form))
        if status != 302:
            raise SystemExit(f"login as {username} answered {status}")


def log_in_all(port: int, volunteers: list[str], staff: int) -> list[tuple[Client, str]]:
    """One logged-in client per simulated user, made before any timed phase (a login hashes
    the password with argon2id: ~0.1 s of CPU each, which is not the page under test)."""
    clients: list[tuple[Client, str]] = []
    for name in volunteers:
        c = Client(port)
        c.login(name)
        clients.append((c, "volunteer"))
    for _ in range(staff):
        c = Client(port)
        c.login("loadstaff")
        clients.append((c, "staff"))
    return clients


def drive(clients: list[tuple[Client, str]], case_ids: list[int], household_ids: list[int],
          duration: float, think: tuple[float, float] = (0.0, 0.0)) -> dict[str, list[float]]:
    """Each simulated user opens its page, reads it for a time drawn from ``think``
    (seconds; (0, 0) is a closed loop that sends the next request at once), and again.
    Users start spread over the first reading time, as real ones do not all arrive at once."""
    timings: dict[str, list[float]] = {"/my/assignments": [], "/cases/<id>": [], "/households/<id>": []}
    errors: dict[str, int] = {k: 0 for k in timings}
    lock = threading.Lock()
    start_barrier = threading.Barrier(len(clients) + 1)
    stop_at = [0.0]

    def run(client: Client, kind: str, seed: int) -> None:
        rng = random.Random(seed)
        mine: dict[str, list[float]] = {k: [] for k in timings}
        bad: dict[str, int] = {k: 0 for k in timings}
        start_barrier.wait()
        if think[1] > 0:
            time.sleep(rng.uniform(0, think[1]))
        while time.perf_counter() < stop_at[0]:
            if kind == "volunteer":
                key, path = "/my/assignments", "/my/assignments"
            elif case_ids and rng.random() < 0.5:
                key, path = "/cases/<id>", f"/cases/{rng.choice(case_ids)}"
            else:
                key, path = "/households/<id>", f"/households/{rng.choice(household_ids)}"
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except (OSError, http.client.HTTPException):
                status = 0
            mine[key].append(time.perf_counter() - t0)
            if status != 200:
                bad[key] += 1
            if think[1] > 0:
                time.sleep(rng.uniform(*think))
        with lock:
            for k in timings:
                timings[k].extend(mine[k])
                errors[k] += bad[k]

    threads = [threading.Thread(target=run, args=(c, kind, i)) for i, (c, kind) in enumerate(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + duration
    start_barrier.wait()
    for t in threads:
        t.join()
    timings["errors"] = errors  # type: ignore[assignment]
    return timings


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def think_range(text: str) -> tuple[float, float]:
    low, _sep, high = text.partition("-")
    return float(low), float(high or low)


def report(title: str, timings: dict[str, list[float]], errors: dict[str, int], duration: float,
           cpu: tuple[float, float]) -> None:
    total = sum(len(v) for v in timings.values())
    print(f"-- {title}")
    print(f"{total:,} requests, {sum(errors.values())} errors, {total / duration:,.1f} requests/s overall; "
          f"CPU per request: web server {cpu[0] / max(total, 1) * 1000:.1f} ms, PostgreSQL "
          f"{cpu[1] / max(total, 1) * 1000:.1f} ms; load average after: {loadavg()}")
    print(f"{'page':<18} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for key, values in timings.items():
        if not values:
            continue
        print(f"{key:<18} {len(values):>9,} {errors[key]:>7} {len(values) / duration:>8.1f} "
              f"{pct(values, 50):>8.1f} {pct(values, 95):>8.1f} {pct(values, 99):>8.1f} "
              f"{statistics.fmean(values) * 1000:>8.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50, help="concurrent volunteers")
    parser.add_argument("--staff", type=int, default=0, help="concurrent staff users (case and household pages)")
    parser.add_argument("--cases", type=int, default=2000, help="cases opened through the intake if fewer exist")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--think", type=think_range, action="append",
                        help="a phase whose users read each page for a time in this range of seconds, "
                             "e.g. 1-5; '0' is a closed loop (no reading time). Repeatable; default: 0 and 1-5")
    parser.add_argument("--database", default="carematch_load")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database for another run")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    phases = args.think or [(0.0, 0.0), (1.0, 5.0)]
    # The seeding and the server share one data key (ID numbers are encrypted): the instance
    # folder of this checkout, whatever the current directory.
    os.environ.setdefault("CAREMATCH_INSTANCE", str(ROOT / "instance"))
    url = f"{SERVER}/{args.database}"
    created = create_database(args.database)
    try:
        from core.db import make_engine
        from core.migrate import upgrade
        from core.plugins import BoardHost, get_plugin_manager

        boards = BoardHost(get_plugin_manager())
        boards.import_models()
        engine = make_engine(url)
        upgrade(engine, boards)  # a kept database gets any newer migration
        engine.dispose()
        facts = seed(url, args.households, max(args.users, 1), args.cases)
        print(f"database {args.database}: {facts['households']:,} households, {facts['cases']:,} cases, "
              f"{facts['assignments']:,} assignments, {facts['volunteer logins']} volunteer logins "
              f"(set-up {facts['seconds']} s, {'seeded now' if facts['created'] else 'reused'})", flush=True)
        if args.seed_only:
            return
        server, port = start_server(url, args.threads, args.server, args.workers)
        try:
            volunteers = [f"loadvol{i}" for i in range(1, args.users + 1)]
            where = f"{args.server} ({args.workers} process{'es' if args.workers > 1 else ''} × {args.threads} threads)"
            print(f"serving on http://{HOST}:{port}/ with {where}; {len(volunteers)} volunteers + "
                  f"{args.staff} staff, {args.duration:.0f} s per phase; load average before: {loadavg()}",
                  flush=True)
            clients = log_in_all(port, volunteers, args.staff)
            for think in phases:
                before = cpu_snapshot(server.pid)
                timings = drive(clients, facts["case ids"], facts["household ids"], args.duration, think)
                after = cpu_snapshot(server.pid)
                errors = timings.pop("errors")
                title = ("closed loop: every user sends its next request as soon as the last answers"
                         if think[1] <= 0 else
                         f"users reading each page {think[0]:g}–{think[1]:g} s before the next")
                report(title, timings, errors, args.duration, cpu_used(before, after))
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        if not args.keep:
            drop_database(args.database)
            print(f"database {args.database} dropped")


if __name__ == "__main__":
    main()
