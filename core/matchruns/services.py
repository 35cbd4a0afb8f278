"""Match-run services: create a run, solve it, pin/forbid and re-run, summarise, publish,
and dry-run a weight change. Views, the JSON API and the CLI are thin layers over these.

Each service that changes something is one transaction and commits it. Publishing is
the delicate one: it takes the scope's lock rows first, then compares the scope's
fingerprint with the run's, and only then writes assignments, ledger entries and
notifications, so a stale or concurrently published plan changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.db import utcnow
from core.matching import MatchError, instance_from_json, pair_failures, plan_from_json, solve, why_not
from core.matching.instance import CATEGORIES
from core.matchruns.load import (
    Scope,
    active_pairs,
    build_instance,
    fingerprint,
    parse_id,
    read_scope,
    recipient_id,
    volunteer_id,
)
from core.matchruns.models import MatchNotification, MatchRun, MatchScopeLock
from core.matchruns.settings import all_settings, normalise_weights
from core.models import Assignment as VolunteerAssignment  # not core.matching.Assignment
from core.models import AuditEvent, LedgerEntry, Need, Region
from core.models import Volunteer as VolunteerRow

log = logging.getLogger(__name__)

# spec/matching.md "Skill vocabulary used by the built-in boards"
BUILTIN_SKILLS = ("psych_counselling", "grief_counselling", "child_care", "tutoring", "elder_care", "medical",
                  "sign_language", "companionship")
MAX_TIME_LIMIT_S = 300.0
WHY_NOT_TIME_LIMIT_S = 10.0


# --------------------------------------------------------------------------- errors


class MatchRunError(Exception):
    """A request a coordinator can correct; ``code`` selects the translated message."""

    code = "invalid"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.params = params


class AccessDenied(MatchRunError):
    """The actor may not act on these boards or this region."""

    code = "forbidden"


class NotFound(MatchRunError):
    """No such run, or one the actor may not see (answered as 404, not 403)."""

    code = "not_found"


class StaleRunError(MatchRunError):
    """The scope's needs, volunteers or assignments changed since the run started."""

    code = "stale"


class PublishConflict(MatchRunError):
    """Another plan for the same scope was published first (optimistic lock lost)."""

    code = "conflict"


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True)
class Actor:
    """Who acts: a coordinator is bound to a board and a region; an admin sees all."""

    id: int | None
    role: str
    board: str | None = None
    region_code: str | None = None

    @classmethod
    def of(cls, user: Any) -> Actor:
        """From ``flask_login.current_user`` (a ``core.auth.SessionUser``)."""
        return cls(user.id, user.role, user.board, user.region_code)


SYSTEM = Actor(id=None, role="admin")  # the command line acts with full rights


def care_boards(host: Any, enabled: Iterable[str]) -> list[str]:
    """The enabled boards of kind "care" (the ones with volunteers to match)."""
    return sorted(b for b in enabled if b in host.installed and host.installed[b].info.kind == "care")


def allowed_boards(actor: Actor, care: Iterable[str]) -> list[str]:
    """The care boards ``actor`` may run and see: all for an admin, its own for a coordinator."""
    care = sorted(care)
    if actor.role == "admin":
        return care
    if actor.role == "coordinator" and actor.board in care:
        return [actor.board]  # type: ignore[list-item]
    return []


def can_see(actor: Actor, run: MatchRun, care: Iterable[str] | None = None) -> bool:
    """Whether ``actor`` may see ``run``: every board of the run must be one of its own."""
    if actor.role == "admin":
        return True
    return actor.role == "coordinator" and actor.board is not None and set(run.boards) == {actor.board}


def get_run(session: Session, actor: Actor, run_id: int) -> MatchRun:
    """The run, if it exists and ``actor`` may see it (NotFound otherwise: no leak of other boards' runs)."""
    run = session.get(MatchRun, run_id)
    if run is None or not can_see(actor, run):
        raise NotFound("no such match run", run_id=run_id)
    return run


def list_runs(session: Session, actor: Actor, limit: int = 50) -> list[MatchRun]:
    """The newest runs ``actor`` may see."""
    rows = session.execute(select(MatchRun).order_by(MatchRun.id.desc()).limit(limit * 4)).scalars()
    return [r for r in rows if can_see(actor, r)][:limit]


def vocabulary(host: Any, enabled: Iterable[str]) -> dict[str, Any]:
    """Skills and need types the boards contribute (hooks may return nothing yet)."""
    skills = {k: None for k in BUILTIN_SKILLS}
    for skill in host.collect("register_skills", enabled):
        skills[skill.key] = skill
    need_types = {t.key: t for t in host.collect("register_need_types", enabled)}
    return {"skills": skills, "need_types": need_types}


# --------------------------------------------------------------------------- creating


def _check_scope(session: Session, actor: Actor, scope: Scope, care: Sequence[str]) -> None:
    if not scope.boards:
        raise MatchRunError("choose at least one care board")
    unknown = [b for b in scope.boards if b not in care]
    if unknown:
        raise MatchRunError("not an enabled care board: %(boards)s", boards=", ".join(unknown))
    if not set(scope.boards) <= set(allowed_boards(actor, care)):
        raise AccessDenied("you may only run matches for your own board")
    bad = [c for c in scope.categories if c not in CATEGORIES]
    if bad:
        raise MatchRunError("unknown category: %(categories)s", categories=", ".join(bad))
    if session.get(Region, scope.region) is None:
        raise MatchRunError("unknown region code %(code)s", code=scope.region)
    if actor.role != "admin" and actor.region_code:
        from core.matchruns.load import region_prefix

        if not scope.region.startswith(region_prefix(session, actor.region_code)):
            raise AccessDenied("the region is outside your own area")


def _ensure_lock_rows(session: Session, keys: Iterable[str]) -> None:
    # INSERT … ON CONFLICT DO NOTHING: two runs created at once must not collide on the key.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for key in keys:
        session.execute(insert(MatchScopeLock).values(key=key, version=0, updated_at=utcnow())
                        .on_conflict_do_nothing(index_elements=["key"]))


def _lock_keys(scope: Scope) -> list[str]:
    return [f"board:{b}" for b in sorted(scope.boards)] + [scope.key()]


def create_run(session: Session, host: Any, enabled: Iterable[str], actor: Actor, *, region: str,
               boards: Sequence[str], categories: Sequence[str] = (), time_limit_s: float = 20.0,
               pinned: Sequence[Sequence[str]] = (), forbidden: Sequence[Sequence[str]] = (),
               parent: MatchRun | None = None, as_of: dt.date | None = None) -> MatchRun:
    """Build the scope's instance from the database and store a run to be solved; commits.

    The run starts ``running``; call :func:`solve_run` (or :func:`start_solve` for a
    background thread). Pinned pairs that break a hard rule are refused here, before
    anything is stored.
    """
    enabled = set(enabled)
    care = care_boards(host, enabled)
    scope = Scope(region.strip(), tuple(sorted(set(boards))), tuple(sorted(set(categories))))
    _check_scope(session, actor, scope, care)
    try:
        time_limit_s = float(time_limit_s)
    except (TypeError, ValueError):
        raise MatchRunError("the time limit must be a number of seconds") from None
    if not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise MatchRunError("the time limit must be between 0 and %(max)s seconds", max=int(MAX_TIME_LIMIT_S))
    as_of = as_of or dt.date.today()
    rows = read_scope(session, scope)
    known = vocabulary(host, enabled)["skills"]
    instance, notes = build_instance(rows, all_settings(session, list(scope.boards)), as_of, known_skills=known)
    pins = [tuple(p) for p in pinned]
    forbids = sorted({tuple(p) for p in forbidden})
    for rid, vid in pins:
        try:
            recipient, volunteer = instance.recipient(rid), instance.volunteer(vid)
        except KeyError:
            raise MatchRunError("%(recipient)s or %(volunteer)s is not in this scope", recipient=rid,
                                volunteer=vid) from None
        failures = pair_failures(instance, recipient, volunteer, forbids)
        if failures:
            raise MatchRunError("%(volunteer)s cannot be pinned to %(recipient)s: %(rules)s", recipient=rid,
                                volunteer=vid, rules="; ".join(f.detail for f in failures))
    per_recipient = Counter(r for r, _ in set(pins))
    if any(n > instance.recipient(r).volunteers_needed for r, n in per_recipient.items()):
        raise MatchRunError("a recipient has more pinned volunteers than it needs")
    _ensure_lock_rows(session, _lock_keys(scope))
    lock = session.get(MatchScopeLock, scope.key(), populate_existing=True)
    run = MatchRun(
        scope_code=scope.region, boards=list(scope.boards), categories=list(scope.categories), status="running",
        time_limit_s=time_limit_s, run_on=as_of, instance=instance.to_json(), plan=None,
        pinned=[list(p) for p in pins], forbidden=[list(p) for p in forbids], notes=notes,
        fingerprint=fingerprint(rows, as_of), scope_version=lock.version if lock else 0, error="",
        parent_id=parent.id if parent is not None else None, created_by=actor.id,
    )
    session.add(run)
    session.flush()
    if parent is not None and parent.status in ("draft", "failed"):
        parent.status = "superseded"
    session.add(AuditEvent(user_id=actor.id, action="match_run_create", object_type="match_run",
                           object_id=str(run.id), reason=scope.key()))
    session.commit()
    return run


def solve_run(sessions: sessionmaker | Session, run_id: int) -> MatchRun | None:
    """Solve a ``running`` run and store its plan (status ``draft``, or ``failed`` with the error).

    Reads the stored instance, closes the transaction while the solver works (it may
    take the whole time limit), then writes the plan in a short second transaction.
    """
    session = sessions() if isinstance(sessions, sessionmaker) else sessions
    try:
        run = session.get(MatchRun, run_id)
        if run is None or run.status != "running":
            return run
        document, limit = run.instance, run.time_limit_s
        pins = [tuple(p) for p in run.pinned]
        forbids = [tuple(p) for p in run.forbidden]
        session.rollback()  # no transaction held open during the solve
        try:
            plan_json: dict[str, Any] | None = solve(instance_from_json(document), time_limit_s=limit,
                                                     pinned=pins, forbidden=forbids).to_json()
            error = ""
        except (MatchError, ValueError) as exc:
            plan_json, error = None, str(exc)
        except Exception as exc:  # a crash must still end the run, or its page polls forever
            log.exception("match run %s failed", run_id)
            plan_json, error = None, f"{exc.__class__.__name__}: {exc}"
        run = session.get(MatchRun, run_id, populate_existing=True)
        if run is None or run.status != "running":
            return run
        run.plan = plan_json
        run.error = error
        run.status = "draft" if plan_json is not None else "failed"
        run.finished_at = utcnow()
        session.commit()
        return run
    finally:
        if isinstance(sessions, sessionmaker):
            session.close()


def start_solve(sessions: sessionmaker, run_id: int, *, background: bool = True) -> threading.Thread | None:
    """Solve in a daemon thread with its own session (SQLite: never share a session across threads)."""
    if not background:
        solve_run(sessions, run_id)
        return None
    thread = threading.Thread(target=solve_run, args=(sessions, run_id), name=f"match-run-{run_id}", daemon=True)
    thread.start()
    return thread


def fail_abandoned(session: Session, grace_s: float = 300.0) -> int:
    """Mark runs still ``running`` long after their time limit as failed (the process died); commits."""
    now = utcnow()
    count = 0
    for run in session.execute(select(MatchRun).where(MatchRun.status == "running")).scalars():
        if (now - run.created_at).total_seconds() > 3 * run.time_limit_s + grace_s:
            run.status, run.error, run.finished_at = "failed", "interrupted: the solver did not finish", now
            count += 1
    if count:
        session.commit()
    return count


def rerun(session: Session, host: Any, enabled: Iterable[str], actor: Actor, run: MatchRun, *,
          pin: Sequence[str] | None = None, forbid: Sequence[str] | None = None,
          unpin: Sequence[str] | None = None, unforbid: Sequence[str] | None = None) -> MatchRun:
    """A child run of ``run`` with a pair pinned, forbidden or released, on fresh data; commits.

    The parent draft becomes ``superseded``; the new run must then be solved.
    """
    if run.status not in ("draft", "failed"):
        raise MatchRunError("only a draft can be re-run")
    pinned = [list(p) for p in run.pinned]
    forbidden = [list(p) for p in run.forbidden]
    if pin:
        forbidden = [p for p in forbidden if p != list(pin)]
        if list(pin) not in pinned:
            pinned.append(list(pin))
    if forbid:
        pinned = [p for p in pinned if p != list(forbid)]
        if list(forbid) not in forbidden:
            forbidden.append(list(forbid))
    if unpin:
        pinned = [p for p in pinned if p != list(unpin)]
    if unforbid:
        forbidden = [p for p in forbidden if p != list(unforbid)]
    return create_run(session, host, enabled, actor, region=run.scope_code, boards=run.boards,
                      categories=run.categories, time_limit_s=run.time_limit_s, pinned=pinned,
                      forbidden=forbidden, parent=run)


# --------------------------------------------------------------------------- summary


@dataclass
class Diff:
    """A plan against the current (proposed or accepted) assignments of its needs."""

    kept: list[tuple[int, int]] = field(default_factory=list)
    new: list[tuple[int, int]] = field(default_factory=list)
    moved: list[tuple[int, int, int]] = field(default_factory=list)  # need, from volunteer, to volunteer
    ended: list[tuple[int, int]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each."""
        return {"kept": len(self.kept), "new": len(self.new), "moved": len(self.moved), "ended": len(self.ended)}

    def to_add(self) -> list[tuple[int, int]]:
        """Pairs that become new assignments (new, and the target of every move)."""
        return sorted(self.new + [(n, to) for n, _, to in self.moved])

    def to_end(self) -> list[tuple[int, int]]:
        """Current pairs that end (ended, and the origin of every move)."""
        return sorted(self.ended + [(n, frm) for n, frm, _ in self.moved])


def plan_diff(plan_pairs: Iterable[tuple[int, int]], current_pairs: Iterable[tuple[int, int]],
              needs: Iterable[int]) -> Diff:
    """Compare (need, volunteer) pairs; a need that loses one volunteer and gains another has *moved*."""
    scope = set(needs)
    plan = {p for p in plan_pairs if p[0] in scope}
    current = {p for p in current_pairs if p[0] in scope}
    diff = Diff(kept=sorted(plan & current))
    gained, lost = defaultdict(list), defaultdict(list)
    for n, v in sorted(plan - current):
        gained[n].append(v)
    for n, v in sorted(current - plan):
        lost[n].append(v)
    for n in sorted(scope):
        pairs = list(zip(lost[n], gained[n]))
        diff.moved += [(n, frm, to) for frm, to in pairs]
        diff.new += [(n, v) for v in gained[n][len(pairs):]]
        diff.ended += [(n, v) for v in lost[n][len(pairs):]]
    return diff


def _plan_pairs(run: MatchRun) -> set[tuple[int, int]]:
    if not run.plan:
        return set()
    return {(parse_id(a["recipient"]), parse_id(a["volunteer"])) for a in run.plan["assignments"]}


def _run_needs(run: MatchRun) -> list[int]:
    return [parse_id(r["id"]) for r in run.instance.get("recipients", [])]


def run_scope(run: MatchRun) -> Scope:
    """The scope a run was made for."""
    return Scope(run.scope_code, tuple(run.boards), tuple(run.categories))


def is_stale(session: Session, run: MatchRun, today: dt.date | None = None) -> bool:
    """Whether the scope changed since the run started (what publish would refuse)."""
    rows = read_scope(session, run_scope(run))
    return fingerprint(rows, today or dt.date.today()) != run.fingerprint


def summarise(session: Session, run: MatchRun, need_type_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the draft page and the API show: coverage, diff, unassigned with reasons, names.

    ``need_type_names`` labels need types (from the boards' ``register_need_types``).
    """
    labels = need_type_names or {}
    need_ids = _run_needs(run)
    needs = {n.id: n for n in session.execute(select(Need).where(Need.id.in_(need_ids))).scalars()} \
        if need_ids else {}
    vol_ids = [parse_id(v["id"]) for v in run.instance.get("volunteers", [])]
    current = active_pairs(session, need_ids)
    vol_ids += [v for _, v in current]
    volunteers = {v.id: v for v in session.execute(
        select(VolunteerRow).where(VolunteerRow.id.in_(set(vol_ids)))).scalars()} if vol_ids else {}
    plan = run.plan or {}
    covered = {a["recipient"] for a in plan.get("assignments", [])}
    coverage: dict[str, dict[str, list[int]]] = {"risk": {}, "category": {}}
    for r in run.instance.get("recipients", []):
        for axis, value in (("risk", str(r["risk"])), ("category", r["category"])):
            cell = coverage[axis].setdefault(value, [0, 0])
            cell[1] += 1
            cell[0] += r["id"] in covered
    diff = plan_diff(_plan_pairs(run), current, need_ids) if run.plan else Diff()
    return {
        "id": run.id,
        "status": run.status,
        "scope": {"region": run.scope_code, "boards": list(run.boards), "categories": list(run.categories)},
        "run_on": run.run_on.isoformat(),
        "time_limit_s": run.time_limit_s,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "published_at": run.published_at.isoformat() if run.published_at else None,
        "parent_id": run.parent_id,
        "error": run.error,
        "objective": plan.get("objective"),
        "bound": plan.get("bound"),
        "plan_status": plan.get("status"),
        "recipients": len(need_ids),
        "volunteers": len(run.instance.get("volunteers", [])),
        "covered": len(covered),
        "coverage": {axis: {k: {"covered": c, "total": t} for k, (c, t) in sorted(cells.items())}
                     for axis, cells in coverage.items()},
        "diff": {
            "counts": diff.counts(),
            "kept": [{"need": n, "volunteer": v} for n, v in diff.kept],
            "new": [{"need": n, "volunteer": v} for n, v in diff.new],
            "moved": [{"need": n, "from": f, "to": t} for n, f, t in diff.moved],
            "ended": [{"need": n, "volunteer": v} for n, v in diff.ended],
        },
        "assignments": plan.get("assignments", []),
        "unassigned": plan.get("unassigned", []),
        "pinned": run.pinned,
        "forbidden": run.forbidden,
        "notes": run.notes,
        "stale": run.status in ("draft", "running") and is_stale(session, run),
        "names": {
            "needs": {str(n.id): f"{n.person.name} · {labels.get(n.need_type, n.need_type)}" for n in needs.values()},
            "volunteers": {str(v.id): v.name for v in volunteers.values()},
        },
    }


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote."""

    run_id: int
    created: list[tuple[int, int]]
    ended: list[tuple[int, int]]
    kept: list[tuple[int, int]]
    notified: list[int]


def _lock(session: Session, run: MatchRun, scope: Scope) -> None:
    # 1. Board rows: serialise every publish touching the same board, so an overlapping
    #    scope's fingerprint below is read after the other publish committed. On SQLite
    #    this first write takes the database's write lock (a fresh snapshot).
    for key in _lock_keys(scope)[:-1]:
        session.execute(update(MatchScopeLock).where(MatchScopeLock.key == key)
                        .values(version=MatchScopeLock.version + 1, updated_at=utcnow()))
    # 2. The scope row: optimistic lock. Only a run made since the last publish here may publish.
    result = session.execute(
        update(MatchScopeLock)
        .where(MatchScopeLock.key == scope.key(), MatchScopeLock.version == run.scope_version)
        .values(version=MatchScopeLock.version + 1, last_run_id=run.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PublishConflict("another plan for this scope was published after this run started; re-run it")


def publish_run(session: Session, actor: Actor, run_id: int, *, today: dt.date | None = None) -> PublishResult:
    """Turn a draft into assignments in one transaction; commits, or changes nothing and raises.

    New pairs become ``Assignment(state="proposed")`` for the volunteer to accept,
    kept pairs stay as they are, ended pairs get ``state="ended"`` and ``ended_on``.
    Each new or ended pair gets a ledger entry for the cared-for person, each
    volunteer concerned one notification. Refused with :class:`StaleRunError` when
    the scope changed since the run started and with :class:`PublishConflict` when
    another publish on the same scope won.
    """
    today = today or dt.date.today()
    # End whatever the caller's session was doing: the lock must open the transaction.
    session.rollback()
    run = get_run(session, actor, run_id)
    if run.status == "published":
        raise MatchRunError("this run is already published")
    if run.status != "draft":
        raise MatchRunError("only a finished draft can be published (status: %(status)s)", status=run.status)
    scope = run_scope(run)
    try:
        _lock(session, run, scope)
        run = session.get(MatchRun, run_id, populate_existing=True)
        if run is None or run.status != "draft":
            raise PublishConflict("this run was published or replaced meanwhile")
        rows = read_scope(session, scope)
        if fingerprint(rows, today) != run.fingerprint:
            raise StaleRunError("the needs, volunteers or assignments of this scope changed since the run "
                                "started; re-run it before publishing")
        result = _write_plan(session, actor, run, today)
        session.commit()
        return result
    except MatchRunError:
        session.rollback()
        raise
    except (OperationalError, StaleDataError) as exc:
        # SQLite's "database is locked" or a concurrent version bump: someone else won.
        session.rollback()
        raise PublishConflict("another publish on this scope is in progress or won; re-run") from exc
    except Exception:
        session.rollback()
        raise


def _write_plan(session: Session, actor: Actor, run: MatchRun, today: dt.date) -> PublishResult:
    need_ids = _run_needs(run)
    current = active_pairs(session, need_ids)
    diff = plan_diff(_plan_pairs(run), current, need_ids)
    needs = {n.id: n for n in session.execute(select(Need).where(Need.id.in_(need_ids))).scalars()} \
        if need_ids else {}
    vol_ids = {v for _, v in diff.to_add() + diff.to_end()}
    volunteers = {v.id: v for v in session.execute(
        select(VolunteerRow).where(VolunteerRow.id.in_(vol_ids))).scalars()} if vol_ids else {}
    per_volunteer: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"new": [], "ended": []})
    moved_to = {(n, to): frm for n, frm, to in diff.moved}
    moved_from = {(n, frm): to for n, frm, to in diff.moved}

    def ledger(need: Need, volunteer: VolunteerRow, change: str, summary: str) -> None:
        household_id = need.person.household_id if need.person else None
        session.add(LedgerEntry(
            household_id=household_id, person_id=need.person_id, case_id=need.case_id, board=need.board,
            kind="assignment", summary=summary, actor_id=actor.id,
            data={"match_run": run.id, "need": need.id, "volunteer": volunteer.id, "change": change},
        ))

    for need_id, vol_id in diff.to_add():
        need, volunteer = needs[need_id], volunteers[vol_id]
        session.add(VolunteerAssignment(need_id=need_id, volunteer_id=vol_id, state="proposed",
                                        note=f"match run #{run.id}"))
        change = "moved_in" if (need_id, vol_id) in moved_to else "new"
        ledger(need, volunteer, change,
               f"志愿者 {volunteer.name} 拟为需求 #{need.id} ({need.need_type}) 提供关爱, 匹配 #{run.id} "
               f"(volunteer {volunteer.name} proposed for need #{need.id}, match run #{run.id})")
        per_volunteer[vol_id]["new"].append(need_id)
    for need_id, vol_id in diff.to_end():
        assignment = current[(need_id, vol_id)]
        assignment.state = "ended"
        assignment.ended_on = today
        assignment.note = (assignment.note + "\n" if assignment.note else "") + f"ended by match run #{run.id}"
        need, volunteer = needs[need_id], volunteers[vol_id]
        change = "moved_out" if (need_id, vol_id) in moved_from else "ended"
        ledger(need, volunteer, change,
               f"志愿者 {volunteer.name} 结束对需求 #{need.id} ({need.need_type}) 的关爱, 匹配 #{run.id} "
               f"(volunteer {volunteer.name} no longer serves need #{need.id}, match run #{run.id})")
        per_volunteer[vol_id]["ended"].append(need_id)
    for vol_id, changes in sorted(per_volunteer.items()):
        session.add(MatchNotification(
            volunteer_id=vol_id, run_id=run.id, data=changes,
            summary=f"新的关爱安排 {len(changes['new'])} 项, 结束 {len(changes['ended'])} 项 "
                    f"({len(changes['new'])} new, {len(changes['ended'])} ended)",
        ))
    run.status = "published"
    run.published_at = utcnow()
    run.published_by = actor.id
    # other drafts of exactly this scope can no longer be published (their version is behind)
    scope_key = run_scope(run).key()
    for other in session.execute(select(MatchRun).where(MatchRun.status == "draft", MatchRun.id != run.id,
                                                        MatchRun.scope_code == run.scope_code)).scalars():
        if run_scope(other).key() == scope_key:
            other.status = "superseded"
    session.add(AuditEvent(user_id=actor.id, action="match_publish", object_type="match_run",
                           object_id=str(run.id), reason=f"{diff.counts()}"))
    session.flush()
    return PublishResult(run.id, diff.to_add(), diff.to_end(), diff.kept, sorted(per_volunteer))


# --------------------------------------------------------------------------- what-ifs


def dry_run_weights(run: MatchRun, weights: Mapping[str, Any], *, time_limit_s: float | None = None) -> dict[str, Any]:
    """Re-solve the run's own instance with other weights; nothing is stored.

    Answers how many of the draft's assignments would move (pairs the draft has and
    the new plan has not), how many pairs would be added, and coverage before/after.
    """
    if not run.plan:
        raise MatchRunError("the run has no plan yet")
    clean = normalise_weights(weights)
    document = dict(run.instance)
    document["params"] = {**document.get("params", {}), "weights": clean}
    instance = instance_from_json(document)
    try:
        plan = solve(instance, time_limit_s=time_limit_s or run.time_limit_s,
                     pinned=[tuple(p) for p in run.pinned], forbidden=[tuple(p) for p in run.forbidden])
    except MatchError as exc:
        raise MatchRunError(str(exc)) from exc
    before = {(a["recipient"], a["volunteer"]) for a in run.plan["assignments"]}
    after = plan.pairs()
    changed = {r for r, _ in before ^ after}
    return {
        "weights": clean,
        "would_move": len(before - after),
        "would_add": len(after - before),
        "recipients_changed": len(changed),
        "covered_before": len({r for r, _ in before}),
        "covered_after": len({r for r, _ in after}),
        "objective": plan.objective,
        "status": plan.status,
    }


def latest_draft(session: Session, actor: Actor, board: str) -> MatchRun | None:
    """The newest draft of ``board`` that ``actor`` may see (for a settings preview)."""
    for run in list_runs(session, actor, limit=200):
        if run.status == "draft" and board in run.boards:
            return run
    return None


def explain_pair(run: MatchRun, recipient: str, volunteer: str) -> dict[str, Any]:
    """Why ``volunteer`` does not serve ``recipient`` in the run's plan (spec ids ``n…``/``v…``)."""
    if not run.plan:
        raise MatchRunError("the run has no plan yet")
    instance = instance_from_json(run.instance)
    try:
        answer = why_not(instance, plan_from_json(run.plan), recipient, volunteer,
                         forbidden=[tuple(p) for p in run.forbidden],
                         time_limit_s=min(run.time_limit_s, WHY_NOT_TIME_LIMIT_S))
    except KeyError:
        raise NotFound("%(recipient)s or %(volunteer)s is not in this run", recipient=recipient,
                       volunteer=volunteer) from None
    return {
        "recipient": recipient,
        "volunteer": volunteer,
        "verdict": answer.verdict,
        "detail": answer.detail,
        "rules": [{"rule": f.rule, "name": f.name, "detail": f.detail} for f in answer.rules],
        "taken_by": list(answer.taken_by),
        "delta": answer.delta,
        "facts": dict(answer.facts),
    }


def coverage_counts(run: MatchRun) -> Counter[str]:
    """Unassigned reasons counted (for the list page)."""
    return Counter(u["reason"] for u in (run.plan or {}).get("unassigned", []))


__all__ = [
    "AccessDenied", "Actor", "Diff", "MatchRunError", "NotFound", "PublishConflict", "PublishResult", "SYSTEM",
    "StaleRunError", "allowed_boards", "can_see", "care_boards", "create_run", "dry_run_weights", "explain_pair",
    "fail_abandoned", "get_run", "is_stale", "latest_draft", "list_runs", "plan_diff", "publish_run", "recipient_id",
    "rerun", "run_scope", "solve_run", "start_solve", "summarise", "volunteer_id", "vocabulary",
]
