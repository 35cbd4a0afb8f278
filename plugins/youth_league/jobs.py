"""团市委's scheduled jobs (ids ``youth_league:<job>``), registered through ``register_jobs``.

The board runs the jobs every board runs over its own cases and needs
(``core.api.common_jobs``); each receives a ``core.api.JobContext``.
"""

from core.api import common_jobs

JOBS = common_jobs(visits="Overdue visits of left-behind children and other Youth League needs (weekly / monthly / quarterly by risk)")
