"""Indicators: periods, working calendars, the indicator catalogue, its compiler to SQL, the
dialects and the engines that run it (DuckDB, Spark, PostgreSQL), and the materialised views.

Imports only ``frontdesk.store`` (docs/architecture.md, "Layers").
"""
