"""市残联 (Disabled Persons' Federation): the poor disabled people board.

Contributes the living subsidy for poor disabled people, the nursing subsidy for
severe disability, and rehabilitation and assistive-device requests.
"""

from core.api import BoardInfo, Permission, hookimpl

INFO = BoardInfo(
    key="disabled_federation",
    name_zh="贫困残疾人板块",
    name_en="Poor disabled people",
    lead_body_zh="市残联",
    lead_body_en="Disabled Persons' Federation",
    kind="assistance",
    serves_zh="贫困残疾人",
    serves_en="poor disabled people",
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
        Permission("disabled_federation.review", "Run the four review steps on cases received by the disabled persons' federation"),
        Permission("disabled_federation.enrol", "Enrol disabled people in federation programmes"),
    ]


@hookimpl
def register_jobs():
    """Scheduled jobs, from ``jobs.py``."""
    from .jobs import JOBS

    return list(JOBS)
