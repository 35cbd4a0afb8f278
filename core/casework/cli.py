"""``carematch case …``: the main case transitions from the command line."""

import click


@click.group("case")
def case_group() -> None:
    """Intake, review steps, joint review, plans and removal."""
