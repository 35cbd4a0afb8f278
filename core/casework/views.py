"""Casework pages and JSON API."""

from flask import Blueprint

bp = Blueprint("casework", __name__)
