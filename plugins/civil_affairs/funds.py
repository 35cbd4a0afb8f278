"""Fund sources of the civil-affairs board: the "one-day charity donation" drive (慈善一日捐)
named by the Daqing report, and the township reserve funds (备用金) for temporary
assistance (S7 §3(3); domain-rules §4)."""

from core.api import FundSource

FUND_SOURCES = [
    FundSource(
        "civil_affairs.one_day_charity", "慈善一日捐", "one-day charity donation", "donation",
        "民政部门发起的慈善一日捐, 所筹善款按计划列入关爱救助资金",
        "the civil-affairs one-day donation drive; its proceeds join the care-and-assistance funds as planned",
    ),
    FundSource(
        "civil_affairs.township_reserve", "乡镇(街道)临时救助备用金", "township temporary-assistance reserve",
        "reserve",
        "乡镇(街道)临时救助备用金, 用于急难型临时救助先行救助",
        "the town or street office's reserve for temporary assistance, paid first in emergencies",
    ),
]
