"""Excel in, Excel out, reports (issue 8): import templates and imports with row-level
validation (all or nothing), masked ledger and public-notice exports, and the dashboard.

Services live in :mod:`core.excel.importing`, :mod:`core.excel.exporting` and
:mod:`core.excel.reports`; :mod:`core.excel.views` and :mod:`core.excel.cli` are thin.
"""
