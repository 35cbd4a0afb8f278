"""`carematch match`: solve a `carematch.instance/1` file and write a `carematch.plan/1`.

The command is a plain click command object; the main CLI adds it with
``cli.add_command(match_command)``.  Database options (scope, board, publish) can
be stacked on later with more ``@click.option`` decorators.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from .explain import why_not
from .instance import InstanceError, dump_plan, load_instance
from .model import MatchError, solve


def summary_lines(instance, plan) -> list[str]:  # type: ignore[no-untyped-def]
    """Short human summary: objective, bound, gap, status, coverage by risk level."""
    covered = {a.recipient for a in plan.assignments}
    by_risk_total = Counter(r.risk for r in instance.recipients)
    by_risk_covered = Counter(r.risk for r in instance.recipients if r.id in covered)
    lines = [
        f"objective {plan.objective}  bound {plan.bound}  gap {plan.gap:.4%}  status {plan.status}",
        "covered by risk: " + ", ".join(
            f"risk {k}: {by_risk_covered[k]}/{by_risk_total[k]}" for k in sorted(by_risk_total, reverse=True)),
    ]
    reasons = Counter(u.reason for u in plan.unassigned)
    if reasons:
        lines.append("unassigned: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    return lines


@click.command("match")
@click.option("--instance", "instance_path", required=True, type=click.Path(exists=True, dir_okay=False,
                                                                                path_type=Path),
              help="carematch.instance/1 JSON file")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="where to write the carematch.plan/1 JSON (stdout if omitted)")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="seconds for the solver")
@click.option("--why-not", "why_not_pair", nargs=2, metavar="RECIPIENT VOLUNTEER", default=None,
              help="explain why VOLUNTEER does not serve RECIPIENT in the plan")
def match_command(instance_path: Path, out_path: Path | None, time_limit: float,
                  why_not_pair: tuple[str, str] | None) -> None:
    """Match volunteers to care recipients (匹配志愿者与关爱对象)."""
    try:
        instance = load_instance(instance_path)
        plan = solve(instance, time_limit_s=time_limit)
    except (InstanceError, MatchError) as exc:
        raise click.ClickException(str(exc)) from exc
    text = dump_plan(plan, out_path)
    if out_path is None:
        click.echo(text)
    for line in summary_lines(instance, plan):
        click.echo(line, err=True)
    if why_not_pair:
        recipient_id, volunteer_id = why_not_pair
        try:
            answer = why_not(instance, plan, recipient_id, volunteer_id, time_limit_s=time_limit)
        except KeyError as exc:
            raise click.ClickException(f"未知编号 (unknown id) {exc}") from exc
        click.echo(f"why not {volunteer_id} for {recipient_id}: [{answer.verdict}] {answer.detail}", err=True)


if __name__ == "__main__":  # pragma: no cover - convenience for `python -m core.matching.cli`
    sys.exit(match_command())
