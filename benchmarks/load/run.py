"""Load test on loopback: volunteers opening "my assignments", staff opening case and household pages.

Run: ``/tmp/venv/bin/python benchmarks/load/run.py [--households 100000] [--users 50] [--duration 60]
[--database carematch_load] [--keep] [--threads 8]``

Set-up (timed apart, not part of the figures):

1. a scratch PostgreSQL database (``--database``, default ``carematch_load``; never ``test``)
   is created on 127.0.0.1:5432, migrated with the real migrations, initialised
   (``core.cli.initialise``) and filled by ``core.demo.seed_demo(households=N)``; with
   ``--keep`` a later run reuses it as it is;
2. ``--users`` extra volunteer logins (``loadvol1`` …) are linked to the active volunteers
   with the most assignments, so each simulated volunteer sees real cards;
3. the app is served by waitress (``core.cli.serve_app``' server, ``--threads``) in a child
   process on 127.0.0.1 and an ephemeral port, and every simulated user logs in once.

Timed: ``--users`` threads for ``--duration`` seconds; each volunteer thread loops on
``GET /my/assignments``; ``--staff`` staff threads (board staff ``civil``) loop on
``GET /cases/<id>`` and ``GET /households/<id>`` over random existing ids. Every request is
a full round trip through waitress, Flask, the session cookie check, the access decorators,
the audit row the page writes and PostgreSQL. Figures printed: requests, errors (any status
other than 200, or a connection error), requests/s, p50/p95/p99 per page, load average.

The script prints figures; it never asserts on time (README: benchmarks/ print figures).
Only loopback addresses are used. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
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


def seed(url: str, households: int, users: int) -> dict[str, object]:
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


def start_server(url: str, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    instance = Path("/tmp") / f"carematch-load-{os.getpid()}"
    code = SERVE.format(root=str(ROOT), url=url, instance=str(instance), port=port, threads=threads)
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


def drive(port: int, volunteers: list[str], staff: int, case_ids: list[int], household_ids: list[int],
          duration: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"/my/assignments": [], "/cases/<id>": [], "/households/<id>": []}
    errors: dict[str, int] = {k: 0 for k in timings}
    lock = threading.Lock()
    clients: list[tuple[Client, str]] = []
    for name in volunteers:
        c = Client(port)
        c.login(name)
        clients.append((c, "volunteer"))
    for _ in range(staff):
        c = Client(port)
        c.login("loadstaff")
        clients.append((c, "staff"))
    start_barrier = threading.Barrier(len(clients) + 1)
    stop_at = [0.0]

    def run(client: Client, kind: str, seed: int) -> None:
        rng = random.Random(seed)
        mine: dict[str, list[float]] = {k: [] for k in timings}
        bad: dict[str, int] = {k: 0 for k in timings}
        start_barrier.wait()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50, help="concurrent volunteers")
    parser.add_argument("--staff", type=int, default=0, help="concurrent staff users (case and household pages)")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--database", default="carematch_load")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database for another run")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    url = f"{SERVER}/{args.database}"
    created = create_database(args.database)
    try:
        if created:
            from core.db import make_engine
            from core.migrate import upgrade
            from core.plugins import BoardHost, get_plugin_manager

            boards = BoardHost(get_plugin_manager())
            boards.import_models()
            engine = make_engine(url)
            upgrade(engine, boards)
            engine.dispose()
        else:
            from core.db import make_engine
            from core.migrate import upgrade
            from core.plugins import BoardHost, get_plugin_manager

            boards = BoardHost(get_plugin_manager())
            boards.import_models()
            engine = make_engine(url)
            upgrade(engine, boards)  # a kept database gets any newer migration
            engine.dispose()
        facts = seed(url, args.households, max(args.users, 1))
        print(f"database {args.database}: {facts['households']:,} households, {facts['cases']:,} cases, "
              f"{facts['assignments']:,} assignments, {facts['volunteer logins']} volunteer logins "
              f"(set-up {facts['seconds']} s, {'seeded now' if facts['created'] else 'reused'})", flush=True)
        if args.seed_only:
            return
        server, port = start_server(url, args.threads)
        try:
            volunteers = [f"loadvol{i}" for i in range(1, args.users + 1)]
            print(f"serving on http://{HOST}:{port}/ with waitress ({args.threads} threads); "
                  f"{len(volunteers)} volunteers + {args.staff} staff for {args.duration:.0f} s; "
                  f"load average before: {loadavg()}", flush=True)
            timings = drive(port, volunteers, args.staff, facts["case ids"], facts["household ids"],
                            args.duration)
        finally:
            server.terminate()
            server.wait(timeout=30)
        errors = timings.pop("errors")
        total = sum(len(v) for v in timings.values())
        print(f"{total:,} requests, {sum(errors.values())} errors, {total / args.duration:,.1f} requests/s "
              f"overall; load average after: {loadavg()}")
        print(f"{'page':<18} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
        for key, values in timings.items():
            if not values:
                continue
            print(f"{key:<18} {len(values):>9,} {errors[key]:>7} {len(values) / args.duration:>8.1f} "
                  f"{pct(values, 50):>8.1f} {pct(values, 95):>8.1f} {pct(values, 99):>8.1f} "
                  f"{statistics.fmean(values) * 1000:>8.1f}")
    finally:
        if not args.keep:
            drop_database(args.database)
            print(f"database {args.database} dropped")


if __name__ == "__main__":
    main()
