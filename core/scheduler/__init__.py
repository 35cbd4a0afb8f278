"""Scheduled jobs and monitoring: the scheduler process, the job runner, the jobs and the warnings inbox.

- :mod:`core.scheduler.service`: APScheduler 3.11 with its SQL job store; start, sync, catch-up.
- :mod:`core.scheduler.runner`: runs one job (board enabled? period claimed?) and records it.
- :mod:`core.scheduler.context`: :class:`JobContext`, what every job receives.
- :mod:`core.scheduler.jobs` / :mod:`core.scheduler.checks`: core's jobs and the checks boards call.
- :mod:`core.scheduler.warnings`: raising, scoping, counting and closing warnings.
"""

from core.scheduler.clock import FixedClock, SystemClock
from core.scheduler.context import JobContext

__all__ = ["FixedClock", "JobContext", "SystemClock"]
