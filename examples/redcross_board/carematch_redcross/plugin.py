"""红十字会 (Red Cross Society): public appeals (社会募捐) whose donations fund the scheme.

A third-party board: it lives outside CareMatch and reaches core only through
``core.api``, exactly as the five built-in boards do.
"""

from core.api import BoardInfo, FundSource, Permission, board_blueprint, hookimpl

INFO = BoardInfo(
    key="redcross",
    name_zh="红十字会募捐板块",
    name_en="Red Cross appeals",
    lead_body_zh="市红十字会",
    lead_body_en="Red Cross Society",
    kind="assistance",
    serves_zh="社会募捐与定向捐助",
    serves_en="public appeals and earmarked donations",
)

blueprint = board_blueprint(INFO, __name__)


@hookimpl
def board_info():
    """This board's identity."""
    return INFO


@hookimpl
def register_blueprints():
    """The board's pages."""
    return [blueprint]


@hookimpl
def register_permissions():
    """What Red Cross staff may be allowed to do."""
    return [Permission("redcross.record_appeal", "Record a public appeal and the donations it raised")]


@hookimpl
def register_fund_sources():
    """The Red Cross public appeal (社会募捐): its donations are recorded in the funds pages."""
    return [FundSource("redcross.public_appeal", "红十字会社会募捐", "Red Cross public appeal", "appeal",
                       "红十字会开展的社会募捐, 所筹善款按计划列入关爱救助资金",
                       "the Red Cross public appeal; its proceeds join the care-and-assistance funds as planned")]
