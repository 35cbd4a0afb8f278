"""市妇联's scheduled jobs (ids ``womens_federation:<job>``), registered through ``register_jobs``.

The board runs the jobs every board runs over its own cases and needs
(``core.api.common_jobs``); each receives a ``core.api.JobContext``.
"""

from core.api import common_jobs

JOBS = common_jobs(visits="Overdue visits of women's-federation needs (bereaved-parent families at least monthly)")
