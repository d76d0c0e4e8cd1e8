"""The store: canonical tables (Arrow schemas) and the Parquet event store they are kept in.

The lowest layer: it imports nothing else of Frontdesk (docs/architecture.md, "Layers").
"""
