"""市妇联 (Women's Federation): the women's volunteer service care board.

Contributes psychological comfort for bereaved-parent families (with their two named
contacts), proxy-mother care for left-behind children and care for elderly women
living alone.
"""

from core.api import BoardInfo, Permission, hookimpl

INFO = BoardInfo(
    key="womens_federation",
    name_zh="妇联志愿服务板块",
    name_en="Women's Federation volunteer service",
    lead_body_zh="市妇联",
    lead_body_en="Women's Federation",
    kind="care",
    serves_zh="失独家庭、留守儿童、独居老年妇女",
    serves_en="bereaved-parent families, left-behind children, elderly women living alone",
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
        Permission("womens_federation.coordinate", "Register volunteers and run, review and publish matches for the Women's Federation"),
        Permission("womens_federation.review", "Run the four review steps on cases received by the Women's Federation"),
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
