"""市民政局 (Civil Affairs Bureau): the urban and rural minimum living allowance board.

Contributes the dibao, special-hardship (特困), temporary-assistance and subsidy
programmes, their default standards and the "four batches" classification.
"""

from core.api import BoardInfo, Permission, hookimpl

INFO = BoardInfo(
    key="civil_affairs",
    name_zh="城乡低保板块",
    name_en="Minimum living allowance",
    lead_body_zh="市民政局",
    lead_body_en="Civil Affairs Bureau",
    kind="assistance",
    serves_zh="城乡低保家庭、特困人员、临时遇困家庭",
    serves_en="urban and rural dibao households, special-hardship people, households in sudden hardship",
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
        Permission("civil_affairs.review", "Run the four review steps on cases received by civil affairs"),
        Permission("civil_affairs.enrol", "Enrol households in civil-affairs programmes and set amounts"),
        Permission("civil_affairs.approve_temporary", "Approve temporary assistance up to the town/street limit"),
    ]


@hookimpl
def register_jobs():
    """Scheduled jobs, from ``jobs.py``."""
    from .jobs import JOBS

    return list(JOBS)


@hookimpl
def register_fund_sources():
    """Fund sources, from ``funds.py``."""
    from .funds import FUND_SOURCES

    return list(FUND_SOURCES)
