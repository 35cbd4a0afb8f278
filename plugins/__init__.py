"""The "3+2" boards shipped with CareMatch, each a pluggy plugin discovered through the
``carematch.boards`` entry-point group."""
