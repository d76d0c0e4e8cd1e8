"""Cycles own their runs; every state change goes into an append-only history.

Each stored run (at most one per period and cycle kind before this migration) gets a cycle of its
period and kind in state ``computed``, with one history entry draft → computed at the run's
computation time, and becomes that cycle's run number 1.

Going back keeps only each cycle's current run (the old schema held one per period and kind) and
drops the cycles and their history.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

STATES = [
    ("draft", "Draft"),
    ("computed", "Computed"),
    ("in_review", "In review"),
    ("published", "Published"),
    ("closed", "Closed"),
]
KINDS = [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("annual", "Annual")]


def runs_into_cycles(apps, schema_editor):
    # The old schema held at most one run per period and kind: each becomes its cycle's run 1.
    Cycle = apps.get_model("appraisal", "Cycle")
    CycleTransition = apps.get_model("appraisal", "CycleTransition")
    ScorecardRun = apps.get_model("appraisal", "ScorecardRun")
    db = schema_editor.connection.alias
    for run in ScorecardRun.objects.using(db).order_by("computed_at", "id"):
        cycle = Cycle.objects.using(db).create(
            period=run.period,
            kind=run.kind,
            state="computed",
            created_at=run.computed_at,
            state_changed_at=run.computed_at,
        )
        CycleTransition.objects.using(db).create(
            cycle=cycle, from_state="draft", to_state="computed", at=run.computed_at, run_number=1
        )
        run.cycle, run.number, run.superseded = cycle, 1, False
        run.save(update_fields=["cycle", "number", "superseded"])


def cycles_into_runs(apps, schema_editor):
    ScorecardRun = apps.get_model("appraisal", "ScorecardRun")
    db = schema_editor.connection.alias
    ScorecardRun.objects.using(db).filter(superseded=True).delete()
    for run in ScorecardRun.objects.using(db).select_related("cycle"):
        run.period, run.kind = run.cycle.period, run.cycle.kind
        run.save(update_fields=["period", "kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Cycle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.CharField(max_length=16, verbose_name="period")),
                ("kind", models.CharField(choices=KINDS, max_length=16, verbose_name="cycle")),
                (
                    "state",
                    models.CharField(choices=STATES, default="draft", max_length=16, verbose_name="state"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at"),
                ),
                (
                    "state_changed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="state changed at"),
                ),
            ],
            options={
                "verbose_name": "cycle",
                "verbose_name_plural": "cycles",
                "ordering": ("-created_at", "-id"),
                "constraints": [
                    models.UniqueConstraint(fields=("period", "kind"), name="one_cycle_per_period_and_kind")
                ],
            },
        ),
        migrations.CreateModel(
            name="CycleTransition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_state", models.CharField(choices=STATES, max_length=16, verbose_name="from")),
                ("to_state", models.CharField(choices=STATES, max_length=16, verbose_name="to")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                (
                    "run_number",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The run whose computation made this change; empty for a person's move.",
                        null=True,
                        verbose_name="run number",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty when the change came from the command line (a computation).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transitions",
                        to="appraisal.cycle",
                        verbose_name="cycle",
                    ),
                ),
            ],
            options={
                "verbose_name": "cycle state change",
                "verbose_name_plural": "cycle state changes",
                "ordering": ("at", "id"),
            },
        ),
        # The run's text column ``cycle`` (its kind) makes way for the foreign key of that name.
        migrations.RemoveConstraint(model_name="scorecardrun", name="one_run_per_period_and_cycle"),
        migrations.RenameField(model_name="scorecardrun", old_name="cycle", new_name="kind"),
        migrations.AlterField(
            model_name="scorecardrun",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=16, null=True, verbose_name="cycle"),
        ),
        migrations.AlterField(
            model_name="scorecardrun",
            name="period",
            field=models.CharField(max_length=16, null=True, verbose_name="period"),
        ),
        migrations.AddField(
            model_name="scorecardrun",
            name="cycle",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="runs",
                to="appraisal.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AddField(
            model_name="scorecardrun",
            name="number",
            field=models.PositiveIntegerField(default=1, verbose_name="run number"),
        ),
        migrations.AddField(
            model_name="scorecardrun",
            name="superseded",
            field=models.BooleanField(default=False, verbose_name="superseded"),
        ),
        migrations.RunPython(runs_into_cycles, cycles_into_runs),
        migrations.RemoveField(model_name="scorecardrun", name="period"),
        migrations.RemoveField(model_name="scorecardrun", name="kind"),
        migrations.AlterField(
            model_name="scorecardrun",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="runs",
                to="appraisal.cycle",
                verbose_name="cycle",
            ),
        ),
        migrations.AlterModelOptions(
            name="scorecardrun",
            options={
                "ordering": ("-computed_at", "-number"),
                "verbose_name": "scorecard run",
                "verbose_name_plural": "scorecard runs",
            },
        ),
        migrations.AddConstraint(
            model_name="scorecardrun",
            constraint=models.UniqueConstraint(
                fields=("cycle", "number"), name="one_number_per_run_of_a_cycle"
            ),
        ),
        migrations.AddConstraint(
            model_name="scorecardrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("superseded", False)), fields=("cycle",), name="one_current_run_per_cycle"
            ),
        ),
    ]
