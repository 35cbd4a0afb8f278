"""The board's pages, mounted by core at /boards/<board>."""

from core.api import board_blueprint

from .plugin import INFO

blueprint = board_blueprint(INFO, __name__)
