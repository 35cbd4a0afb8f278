"""``carematch case …``: the main case transitions from the command line.

Every command acts as a named user (``--as USERNAME``), so the same transition checks
and ledger entries apply as in the web pages; one command is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable

import click
from sqlalchemy import select

from core.cli import Context, pass_context


def _date(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else dt.date.today()


def _run(ctx: Context, username: str, action: Callable[[Any, Any], Any]) -> Any:
    """Run ``action(session, user)`` in one transaction; a refusal exits 1 with its message."""
    from core.casework.services import TransitionError
    from core.models import User

    with ctx.platform.session() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise click.ClickException(f"没有用户 {username} (no active user {username!r})")
        try:
            result = action(session, user)
            session.commit()
        except TransitionError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from None
        return result


as_option = click.option("--as", "username", required=True, help="The acting user's username.")
on_option = click.option("--on", "on", default=None, help="Date (YYYY-MM-DD); default today.")


@click.group("case")
def case_group() -> None:
    """Intake, review steps, joint review, plans and removal."""


@case_group.command("open")
@as_option
@click.option("--board", default=None, help="Receiving board (default: the user's board).")
@click.option("--channel", type=click.Choice(["application", "proxy", "discovery"]), default="application")
@click.option("--region", "region_code", required=True)
@click.option("--area", type=click.Choice(["urban", "rural"]), default="urban")
@click.option("--address", default="")
@click.option("--member", "members", multiple=True, required=True, metavar="NAME:ID_NUMBER[:RELATION]",
              help="A household member; the first is the subject. Repeat for each member.")
@click.option("--summary", default="")
@click.option("--proxy-name", default="")
@click.option("--near-relative", is_flag=True, help="A member is a near relative of staff (filed separately).")
@on_option
@pass_context
def case_open(ctx: Context, username: str, board: str | None, channel: str, region_code: str, area: str,
              address: str, members: tuple[str, ...], summary: str, proxy_name: str, near_relative: bool,
              on: str | None) -> None:
    """Receive an application or a proactive discovery."""
    from core.casework import services as cw

    parsed = []
    for text in members:
        parts = text.split(":")
        if len(parts) < 2:
            raise click.BadParameter(f"{text!r}: use NAME:ID_NUMBER[:RELATION]", param_hint="--member")
        parsed.append(cw.NewMember(parts[0], parts[1], parts[2] if len(parts) > 2 else ("head" if not parsed else "other")))
    household = cw.NewHousehold(region_code=region_code, area_type=area, address=address, members=parsed)
    case = _run(ctx, username, lambda s, u: cw.open_case(
        s, u, board=board or u.board or "", channel=channel, received_on=_date(on), household=household,
        summary=summary, proxy_name=proxy_name, near_relative_of_staff=near_relative))
    click.echo(f"case {case.id} received by {case.owner_board}; review due {case.review_due_on}")


@case_group.command("step")
@as_option
@click.argument("case_id", type=int)
@click.argument("step", type=click.Choice(["pre-check", "impact", "home-visit", "documents"]))
@click.option("--level", type=click.Choice(["low", "medium", "high"]), default="medium", help="impact")
@click.option("--notes", default="", help="impact opinion / document notes / visit findings")
@click.option("--investigator", "investigators", multiple=True, help="home-visit: repeat for each")
@click.option("--signed", is_flag=True, help="home-visit: signed by investigators and members present")
@click.option("--present", "present", multiple=True, help="documents: a document key that is present (repeat)")
@on_option
@pass_context
def case_step(ctx: Context, username: str, case_id: int, step: str, level: str, notes: str,
              investigators: tuple[str, ...], signed: bool, present: tuple[str, ...], on: str | None) -> None:
    """Record one of the four review steps."""
    from core.casework import services as cw

    boards = ctx.platform.boards
    day = _date(on)
    actions: dict[str, Callable[[Any, Any], Any]] = {
        "pre-check": lambda s, u: cw.record_pre_check(s, u, case_id, boards, day),
        "impact": lambda s, u: cw.record_impact_assessment(s, u, case_id, level=level, notes=notes, on=day),
        "home-visit": lambda s, u: cw.record_home_visit(s, u, case_id, visited_on=day, investigators=investigators,
                                                        findings=notes, investigators_signed=signed,
                                                        household_signed=signed),
        "documents": lambda s, u: cw.record_document_check(s, u, case_id, boards, present={k: True for k in present},
                                                           notes=notes, on=day),
    }
    row = _run(ctx, username, actions[step])
    click.echo(f"case {case_id}: {row.step} recorded{'' if row.complete else ' (incomplete)'}")


@case_group.command("submit")
@as_option
@click.argument("case_id", type=int)
@on_option
@pass_context
def case_submit(ctx: Context, username: str, case_id: int, on: str | None) -> None:
    """Send a reviewed case to the joint review."""
    from core.casework import services as cw

    _run(ctx, username, lambda s, u: cw.submit_for_joint_review(s, u, case_id, _date(on)))
    click.echo(f"case {case_id} awaits joint review")


@case_group.command("notice")
@as_option
@click.argument("case_id", type=int)
@click.option("--location", required=True, help="Where the notice is posted (village or community board).")
@click.option("--amount-fen", type=int, default=None, help="Published monthly amount; default: the computed one.")
@on_option
@pass_context
def case_notice(ctx: Context, username: str, case_id: int, location: str, amount_fen: int | None,
                on: str | None) -> None:
    """Post the preliminary opinion for 7 days (公示), starting --on."""
    from core.casework import notice

    row = _run(ctx, username, lambda s, u: notice.post_public_notice(s, u, case_id, location=location,
                                                                       starts_on=_date(on), amount_fen=amount_fen))
    click.echo(f"notice {row.id}: case {case_id} posted at {row.location} from {row.starts_on}, ends {row.ends_on}")


@case_group.command("termination-notice")
@as_option
@click.argument("case_id", type=int)
@click.option("--ground", required=True)
@click.option("--reason", required=True)
@click.option("--location", required=True)
@on_option
@pass_context
def case_termination_notice(ctx: Context, username: str, case_id: int, ground: str, reason: str, location: str,
                            on: str | None) -> None:
    """Post a proposed termination for 7 days before removal (S6 Art. 25)."""
    from core.casework import notice

    row = _run(ctx, username, lambda s, u: notice.post_termination_notice(
        s, u, case_id, ground=ground, reason=reason, location=location, starts_on=_date(on)))
    click.echo(f"notice {row.id}: termination of case {case_id} posted from {row.starts_on}, ends {row.ends_on}")


@case_group.command("objection")
@as_option
@click.argument("case_id", type=int)
@click.option("--objector", required=True)
@click.option("--content", required=True)
@on_option
@pass_context
def case_objection(ctx: Context, username: str, case_id: int, objector: str, content: str, on: str | None) -> None:
    """Record an objection to the notice running --on; the case is re-investigated."""
    from core.casework import notice

    row = _run(ctx, username, lambda s, u: notice.record_objection(s, u, case_id, objector=objector,
                                                                     received_on=_date(on), content=content))
    click.echo(f"objection {row.id} to notice {row.notice_id}: case {case_id} is re-investigated")


@case_group.command("reinvestigate")
@as_option
@click.argument("objection_id", type=int)
@click.option("--findings", required=True)
@click.option("--founded/--unfounded", required=True)
@on_option
@pass_context
def case_reinvestigate(ctx: Context, username: str, objection_id: int, findings: str, founded: bool,
                       on: str | None) -> None:
    """Record the re-investigation that answers an objection; a new notice may follow."""
    from core.casework import notice

    row = _run(ctx, username, lambda s, u: notice.record_reinvestigation(s, u, objection_id, founded=founded,
                                                                           findings=findings, on=_date(on)))
    click.echo(f"objection {row.id} answered on {row.resolved_on} ({'founded' if row.founded else 'unfounded'})")


@case_group.command("delegate")
@click.argument("region_code")
@click.option("--from", "effective_from", required=True, help="First day the setting applies (YYYY-MM-DD).")
@click.option("--off", is_flag=True, help="Approval is no longer delegated from that day.")
@click.option("--source", default="")
@pass_context
def case_delegate(ctx: Context, region_code: str, effective_from: str, off: bool, source: str) -> None:
    """Record that dibao approval is delegated to the township in REGION_CODE (20-working-day track)."""
    from core.casework.tracks import set_approval_delegated

    with ctx.platform.session() as session:
        try:
            set_approval_delegated(session, region_code, not off, dt.date.fromisoformat(effective_from), source, None)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
    click.echo(f"{region_code}: approval {'not ' if off else ''}delegated from {effective_from}")


@case_group.command("decide")
@as_option
@click.option("--held-on", default=None)
@click.option("--member", "members", multiple=True, required=True, metavar="NAME[:BOARD]")
@click.option("--minutes", default="")
@click.option("--include", "includes", multiple=True, metavar="CASE_ID:BOARD[,BOARD]:REASONS")
@click.option("--reject", "rejects", multiple=True, metavar="CASE_ID:REASONS")
@pass_context
def case_decide(ctx: Context, username: str, held_on: str | None, members: tuple[str, ...], minutes: str,
                includes: tuple[str, ...], rejects: tuple[str, ...]) -> None:
    """Record a joint review meeting and its decisions."""
    from core.casework import services as cw

    decisions = []
    try:
        for text in includes:
            case_id, boards, reasons = text.split(":", 2)
            decisions.append(cw.DecisionInput(int(case_id), "include", reasons, boards.split(",")))
        for text in rejects:
            case_id, reasons = text.split(":", 1)
            decisions.append(cw.DecisionInput(int(case_id), "reject", reasons, []))
    except ValueError:
        raise click.BadParameter("use CASE_ID:BOARDS:REASONS for --include, CASE_ID:REASONS for --reject") from None
    member_rows = [{"name": m.split(":")[0], "board": (m.split(":") + [""])[1]} for m in members]
    meeting = _run(ctx, username, lambda s, u: cw.hold_joint_review(
        s, u, held_on=_date(held_on), members=member_rows, minutes=minutes, decisions=decisions))
    click.echo(f"meeting {meeting.id}: " + ", ".join(f"case {d.case_id} {d.decision}" for d in meeting.decisions))


@case_group.command("enrol")
@as_option
@click.argument("case_id", type=int)
@click.argument("programme_key")
@click.option("--monthly-fen", type=int, default=None)
@click.option("--one-off-fen", type=int, default=None)
@click.option("--note", default="")
@pass_context
def case_enrol(ctx: Context, username: str, case_id: int, programme_key: str, monthly_fen: int | None,
               one_off_fen: int | None, note: str) -> None:
    """Add a material measure: enrol in a programme of the user's board."""
    from core.casework import services as cw

    measure = _run(ctx, username, lambda s, u: cw.add_material_measure(
        s, u, case_id, ctx.platform.boards, programme_key=programme_key, monthly_fen=monthly_fen,
        one_off_fen=one_off_fen, note=note))
    click.echo(f"measure {measure.id}: {programme_key} {measure.monthly_fen} fen/month from {measure.start_month}")


@case_group.command("refer")
@as_option
@click.argument("case_id", type=int)
@click.argument("to_board")
@click.option("--reason", required=True)
@pass_context
def case_refer(ctx: Context, username: str, case_id: int, to_board: str, reason: str) -> None:
    """Refer a case to another board."""
    from core.casework import services as cw

    referral = _run(ctx, username, lambda s, u: cw.refer_case(s, u, case_id, to_board=to_board, reason=reason,
                                                              on=dt.date.today()))
    click.echo(f"referral {referral.id}: case {case_id} → {to_board}")


@case_group.command("answer-referral")
@as_option
@click.argument("referral_id", type=int)
@click.option("--accept/--decline", required=True)
@click.option("--note", default="")
@pass_context
def case_answer_referral(ctx: Context, username: str, referral_id: int, accept: bool, note: str) -> None:
    """Accept or decline a referral to the user's board."""
    from core.casework import services as cw

    referral = _run(ctx, username, lambda s, u: cw.answer_referral(s, u, referral_id, accept=accept, note=note,
                                                                   on=dt.date.today()))
    click.echo(f"referral {referral.id} {referral.state}")


@case_group.command("remove")
@as_option
@click.argument("case_id", type=int)
@click.option("--ground", required=True)
@click.option("--reason", required=True)
@click.option("--grace-months", type=int, default=0)
@click.option("--handover", "handover_programme", default=None)
@on_option
@pass_context
def case_remove(ctx: Context, username: str, case_id: int, ground: str, reason: str, grace_months: int,
                handover_programme: str | None, on: str | None) -> None:
    """Remove (剔除) a case, with a grace period and a hand-over where the rules allow."""
    from core.casework import services as cw

    removal = _run(ctx, username, lambda s, u: cw.remove_case(
        s, u, case_id, ctx.platform.boards, ground=ground, reason=reason, on=_date(on), grace_months=grace_months,
        handover_programme=handover_programme))
    click.echo(f"case {case_id} removed; benefits stop from {removal.stops_from}")


@case_group.command("show")
@click.argument("case_id", type=int)
@pass_context
def case_show(ctx: Context, case_id: int) -> None:
    """Print a case, its deadlines and its ledger as JSON."""
    from core.casework import ledger
    from core.casework import services as cw

    with ctx.platform.session() as session:
        try:
            case = cw.get_case(session, case_id)
        except cw.TransitionError as exc:
            raise click.ClickException(str(exc)) from None
        today = dt.date.today()
        click.echo(json.dumps({
            "id": case.id, "stage": case.stage, "owner_board": case.owner_board,
            "first_reporter_board": case.first_reporter_board, "responsible": cw.responsible_boards(case),
            "deadlines": [{"key": d.key, "due_on": str(d.due_on), "done_on": str(d.done_on) if d.done_on else None,
                           "overdue": cw.is_overdue(d, today)} for d in cw.deadlines(session, case.id)],
            "ledger": [{"at": e.at.isoformat(), "kind": e.kind, "summary": e.summary}
                       for e in ledger.for_case(session, case.id)],
        }, ensure_ascii=False, indent=2))


@case_group.command("overdue")
@click.option("--board", default=None)
@on_option
@pass_context
def case_overdue(ctx: Context, board: str | None, on: str | None) -> None:
    """List open deadlines that have passed (exit 1 when there are any)."""
    from core.casework.models import CaseDeadline
    from core.models import Case

    day = _date(on)
    with ctx.platform.session() as session:
        query = (select(CaseDeadline, Case).join(Case, Case.id == CaseDeadline.case_id)
                 .where(CaseDeadline.done_on.is_(None), CaseDeadline.due_on < day).order_by(CaseDeadline.due_on))
        if board:
            query = query.where(Case.owner_board == board)
        rows = session.execute(query).all()
    for deadline, case in rows:
        click.echo(f"case {case.id:<6} {case.owner_board:<20} {deadline.key:<22} due {deadline.due_on}")
    if rows:
        raise SystemExit(1)
    click.echo("nothing overdue")


@case_group.command("holiday")
@click.argument("day")
@click.argument("kind", type=click.Choice(["holiday", "workday", "ordinary"]))
@click.option("--name", default="")
@click.option("--source", default="")
@pass_context
def case_holiday(ctx: Context, day: str, kind: str, name: str, source: str) -> None:
    """Mark DAY as a public holiday, a make-up working day or an ordinary day again."""
    from core.casework.calendar import set_calendar_day

    with ctx.platform.session() as session:
        set_calendar_day(session, dt.date.fromisoformat(day), None if kind == "ordinary" else kind, name, source, None)
        session.commit()
    click.echo(f"{day}: {kind}")


@case_group.command("due")
@click.argument("start")
@click.argument("limit_key")
@pass_context
def case_due(ctx: Context, start: str, limit_key: str) -> None:
    """When a step starting on START under time limit LIMIT_KEY is due (e.g. investigation_start)."""
    from core.casework.calendar import MissingTimeLimit, due_date

    with ctx.platform.session() as session:
        try:
            click.echo(due_date(session, limit_key, dt.date.fromisoformat(start)).isoformat())
        except MissingTimeLimit as exc:
            raise click.ClickException(str(exc)) from None
