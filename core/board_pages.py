"""The pages every board has, built by core so all five look and behave alike; a board adds
its own routes to the blueprint it gets here."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template
from sqlalchemy import func, select

from core.boards import BoardInfo
from core.models import Case, Standard
from core.standards import standard_names
from core.web import db, locale_code, platform, roles

STAFF = ("admin", "board_staff", "coordinator", "reviewer", "auditor")


def board_blueprint(info: BoardInfo, import_name: str) -> Blueprint:
    """A blueprint named after the board, with its index page: programmes, standards in force, cases."""
    bp = Blueprint(info.key, import_name, template_folder="templates", static_folder="static")

    @bp.route("/")
    @roles(*STAFF)
    def index():  # type: ignore[no-untyped-def]
        session_db = db()
        programmes = [p for answer in platform().boards.call_on(info.key, "register_programmes") for p in answer or []]
        today = dt.date.today()
        standards = session_db.execute(
            select(Standard)
            .where(Standard.key.startswith(f"{info.key}."))
            .where(Standard.effective_from <= today)
            .where((Standard.effective_to.is_(None)) | (Standard.effective_to >= today))
            .order_by(Standard.key, Standard.region_code, Standard.area)
        ).scalars().all()
        cases_by_stage = dict(
            session_db.execute(
                select(Case.stage, func.count()).where(Case.owner_board == info.key).group_by(Case.stage)
            ).all()
        )
        return render_template(
            "board_index.html", info=info, programmes=programmes, standards=standards, cases_by_stage=cases_by_stage,
            names=standard_names(platform().boards), english=locale_code().startswith("en"),
        )

    return bp
