"""市总工会 (Federation of Trade Unions): the urban employees in hardship board.

Contributes hardship-employee relief, children's education grants, medical hardship
relief and festival visits. No national rule governs this union-internal scheme, so
every threshold is a standard and the defaults are documented assumptions.
"""

from core.api import BoardInfo, Permission, hookimpl

INFO = BoardInfo(
    key="trade_union",
    name_zh="城镇职工板块",
    name_en="Urban employees in hardship",
    lead_body_zh="市总工会",
    lead_body_en="Federation of Trade Unions",
    kind="assistance",
    serves_zh="城镇困难职工及其家庭",
    serves_en="urban employees and retirees in hardship and their families",
)


@hookimpl
def board_info():
    """This board's identity."""
    return INFO


@hookimpl
def register_programmes():
    """The board's programmes, from ``programmes.py``."""
    from .programmes import PROGRAMMES

    return list(PROGRAMMES)


@hookimpl
def default_standards():
    """Shipped example standards, from ``standards.py``."""
    from .standards import DEFAULT_STANDARDS

    return list(DEFAULT_STANDARDS)


@hookimpl
def standard_names():
    """The names of the standards in ``standards.py``."""
    from .standards import STANDARD_NAMES

    return dict(STANDARD_NAMES)


@hookimpl
def register_blueprints():
    """The board's pages, from ``views.py``."""
    from .views import blueprint

    return [blueprint]


@hookimpl
def register_permissions():
    """What staff of this board may be allowed to do."""
    return [
        Permission("trade_union.review", "Run the four review steps on cases received by the trade union"),
        Permission("trade_union.enrol", "Enrol union members in trade-union programmes"),
    ]


@hookimpl
def register_jobs():
    """Scheduled jobs, from ``jobs.py``."""
    from .jobs import JOBS

    return list(JOBS)
