"""Scoring: appraisal schemes, curves, small-sample shrinkage, weights, grades, the 360 block and
the scorecard they produce (docs/schemes.md).
"""
