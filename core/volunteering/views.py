"""Volunteer pages and JSON API: thin views over :mod:`core.volunteering.services`."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("volunteering", __name__)
