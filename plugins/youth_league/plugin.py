"""团市委 (Communist Youth League city committee): the youth volunteer service care board.

Contributes care for left-behind children (companionship, tutoring, psychological
counselling), the volunteer skills and need types it adds, and visit cadence by risk.
"""

from core.api import BoardInfo, Permission, hookimpl

INFO = BoardInfo(
    key="youth_league",
    name_zh="共青团志愿服务板块",
    name_en="Youth League volunteer service",
    lead_body_zh="团市委",
    lead_body_en="Communist Youth League city committee",
    kind="care",
    serves_zh="留守儿童等",
    serves_en="left-behind children and others",
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
        Permission("youth_league.coordinate", "Register volunteers and run, review and publish matches for the Youth League"),
        Permission("youth_league.review", "Run the four review steps on cases received by the Youth League"),
    ]


@hookimpl
def register_skills():
    """Volunteer skills this board adds to the matcher's vocabulary."""
    from .programmes import SKILLS

    return list(SKILLS)


@hookimpl
def register_need_types():
    """Care-need types this board creates from its findings."""
    from .programmes import NEED_TYPES

    return list(NEED_TYPES)


@hookimpl
def register_jobs():
    """Scheduled jobs, from ``jobs.py``."""
    from .jobs import JOBS

    return list(JOBS)
