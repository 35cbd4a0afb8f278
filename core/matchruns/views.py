"""Coordinator pages and JSON API for match runs (thin layer over services)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("matchruns", __name__)
