"""Import, export and dashboard pages: thin views over :mod:`core.excel` services."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("excel", __name__)
