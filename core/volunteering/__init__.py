"""Volunteers (issue 6): the registry kept by the care boards' coordinators, the volunteer's own
"my assignments" pages, visit logs and service hours, concerns and mandatory reports.

Volunteers see the minimum a visit needs (domain-rules §12.6); every read of another
volunteer's assignment is refused and logged.
"""
