"""Results: what scorecards turn into (MISSION R1-R3): the bonus pool, promotion candidates,
Service Star and annual excellence, development plans (docs/results.md).
"""
