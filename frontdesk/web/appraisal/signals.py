"""Signals the appraisal app sends to the apps built on it (appeals), so it never imports them."""

from django.dispatch import Signal

# Sent by ``store.save_scorecards`` inside its transaction when a computation supersedes a run:
# ``previous`` (the superseded ``ScorecardRun``), ``run`` (the new current one), ``by_user``
# (None for the command line). A receiver that raises undoes the whole computation.
run_recomputed = Signal()
