"""``carematch volunteers …``: the volunteer registry from the command line.

Changes act as a named coordinator or administrator (``--as USERNAME``) so the same
rules, audit rows and hand-over notes apply as on the web pages; one command is one
transaction. Listings mask ID numbers and phones as the pages do (DESIGN.md "Privacy").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import click
from sqlalchemy import select

from core.cli import Context, pass_context


def _date(value: str | None) -> dt.date:
    from core.volunteering.services import local_today

    return dt.date.fromisoformat(value) if value else local_today()


def _run(ctx: Context, username: str | None, action: Callable[[Any, Any], Any]) -> Any:
    """Run ``action(session, user)`` in one transaction; a refusal exits 1 with its message."""
    from core.models import User
    from core.volunteering.services import VolunteeringError

    with ctx.platform.session() as session:
        user = None
        if username is not None:
            user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None or not user.active or user.role not in ("coordinator", "admin"):
                raise click.ClickException(
                    f"没有可用的协调员或管理员 {username} (no active coordinator or administrator {username!r})")
        try:
            result = action(session, user)
            session.commit()
        except VolunteeringError as exc:
            session.rollback()
            raise click.ClickException(f"{exc.code}: {exc}") from None
        return result


def _volunteer(session: Any, user: Any, volunteer_id: int) -> Any:
    from core.models import Volunteer
    from core.volunteering.services import may_manage

    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or (user is not None and not may_manage(user.role, user.board, volunteer)):
        raise click.ClickException(f"没有志愿者 {volunteer_id} (no volunteer {volunteer_id} you may manage)")
    return volunteer


as_option = click.option("--as", "username", required=True, help="The acting coordinator or administrator.")


@click.group("volunteers")
def volunteers_group() -> None:
    """The care boards' volunteer registry: list, show, state changes, criminal-record checks."""


@volunteers_group.command("list")
@click.option("--board", default=None)
@click.option("--state", default=None, type=click.Choice(["applied", "approved", "active", "paused", "left"]))
@click.option("--skill", default=None)
@click.option("--region", default=None, help="Region code prefix.")
@click.option("--check-expiring", type=int, default=None, metavar="DAYS",
              help="Only volunteers whose criminal-record check is missing or ends within DAYS.")
@pass_context
def list_command(ctx: Context, board: str | None, state: str | None, skill: str | None, region: str | None,
                 check_expiring: int | None) -> None:
    from core.idnumber import mask_phone
    from core.volunteering.services import list_volunteers, local_today

    with ctx.platform.session() as session:
        rows = list_volunteers(session, role="admin", board_of_user=None, on_date=local_today(), board=board,
                               region_code=region, skill=skill, state=state, check_expiring_days=check_expiring)
        for r in rows:
            v = r.volunteer
            check = r.check_expires_on.isoformat() if r.check_expires_on else "-"
            click.echo(f"{v.id:>5}  {v.name:<10} {v.board:<18} {v.state:<8} {v.region_code:<12} "
                       f"{mask_phone(v.phone):<12} check≤{check:<10} open={r.open_assignments} "
                       f"hours={r.hours} overdue={r.overdue}")
        click.echo(f"{len(rows)} volunteers")


@volunteers_group.command("show")
@click.argument("volunteer_id", type=int)
@pass_context
def show_command(ctx: Context, volunteer_id: int) -> None:
    from core.idnumber import mask_id_number, mask_phone
    from core.volunteering import services as S

    with ctx.platform.session() as session:
        v = _volunteer(session, None, volunteer_id)
        today = S.local_today()
        profile = S.profile_of(session, v)
        hours = S.service_hours(session, v.id)
        click.echo(f"#{v.id} {v.name} ({v.board}) state={v.state}")
        click.echo(f"  ID {mask_id_number(v.id_number)}  born {v.birth_date}  sex {v.sex}  phone {mask_phone(v.phone)}")
        click.echo(f"  region {v.region_code}  skills {', '.join(v.skills or [])}  "
                   f"categories {', '.join(profile.service_categories or [])}  languages {', '.join(v.languages or [])}")
        click.echo(f"  slots {', '.join(v.slots or [])}  capacity {v.capacity}  max_km {v.max_km}")
        click.echo(f"  check {v.background_checked_on or '-'} clear={v.background_check_clear} "
                   f"child-facing eligible today={S.eligible_for_child_facing(v, today)}")
        click.echo(f"  hours {hours.hours} (+{hours.pending_hours} pending)")
        for a in S.assignment_history(session, v.id):
            click.echo(f"  assignment #{a.id} need {a.need_id} {a.state} {a.started_on or ''}–{a.ended_on or ''}")
        session.commit()  # profile_of may have added the missing 1:1 row


def _state_command(name: str, target: str, help_text: str, note_required: bool) -> None:
    @volunteers_group.command(name, help=help_text)
    @click.argument("volunteer_id", type=int)
    @as_option
    @click.option("--note", default="", required=note_required,
                  help="Hand-over note for the released assignments." if note_required else "Optional note.")
    @pass_context
    def command(ctx: Context, volunteer_id: int, username: str, note: str) -> None:
        from core.volunteering.services import change_state

        def act(session: Any, user: Any) -> int:
            volunteer = _volunteer(session, user, volunteer_id)
            return len(change_state(session, volunteer, target, user.id, note))

        released = _run(ctx, username, act)
        click.echo(f"volunteer {volunteer_id} is {target}" + (f"; {released} assignments released" if released else ""))


_state_command("approve", "approved", "Approve an application (applied → approved).", False)
_state_command("activate", "active", "Start (approved → active) or resume (paused → active).", False)
_state_command("pause", "paused", "Pause; open assignments go to the next match run with the note.", True)
_state_command("leave", "left", "Leave; open assignments go to the next match run with the note.", True)


@volunteers_group.command("record-check")
@click.argument("volunteer_id", type=int)
@as_option
@click.option("--on", "on", default=None, help="Date of the query (YYYY-MM-DD); default today.")
@click.option("--clear/--not-clear", default=True, help="Result: no record found (clear) or a record found.")
@click.option("--reference", default="", help="The query's reference number.")
@pass_context
def record_check(ctx: Context, volunteer_id: int, username: str, on: str | None, clear: bool, reference: str) -> None:
    """Record a criminal-record check (入职查询, S12 Art. 62); valid for child-facing work for 365 days."""
    from core.volunteering.services import background_check_expires_on, record_background_check

    def act(session: Any, user: Any) -> Any:
        volunteer = _volunteer(session, user, volunteer_id)
        record_background_check(session, volunteer, _date(on), clear, user.id, reference)
        return background_check_expires_on(volunteer)

    until = _run(ctx, username, act)
    click.echo(f"check recorded for volunteer {volunteer_id}: {'clear' if clear else 'NOT clear'}"
               + (f", valid for child-facing work until {until}" if clear else ""))
