"""Analyses over computed scorecards and the event store: the data-quality report, the quarterly
indicator review, effect evaluation and rater reliability. Readings are codes and parameters;
their wording is in ``frontdesk.analysis.wording`` (one catalogue per language).
"""
