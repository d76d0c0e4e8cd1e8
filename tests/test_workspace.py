"""Workspace settings: calendars and indicator parameters reach the engine."""

import pytest

from frontdesk.indicators.calendars import business_seconds
from frontdesk.usecases.workspace import WorkspaceError, init_workspace, open_workspace


def test_a_new_workspace_has_its_folders_settings_and_scheme(tmp_path):
    ws = init_workspace(tmp_path / "w")
    assert {p.name for p in ws.root.iterdir()} >= {"frontdesk.toml", "events", "schemes", "reports"}
    assert ws.scheme().scheme_id == "default"
    assert ws.view_params() == {
        "repeat_window_us": 72 * 3_600_000_000,
        "repeat_max_contacts": 30,
        "service_level_seconds": 20,
        "short_abandon_seconds": 5,
    }
    assert not ws.is_demo


def test_own_calendars_and_repeat_window_are_read_from_settings(tmp_path):
    ws = init_workspace(tmp_path / "w")
    settings = ws.root / "frontdesk.toml"
    text = settings.read_text().replace("repeat_window_hours = 72", "repeat_window_hours = 24")
    text = text.replace("repeat_max_contacts = 30", "repeat_max_contacts = 200")
    text = text.replace("service_level_seconds = 20", "service_level_seconds = 15")
    text += '\n[calendars.desk]\ntimezone = "UTC"\nhours = { daily = "10:00-12:00" }\n'
    settings.write_text(text)
    ws = open_workspace(ws.root)
    assert ws.view_params() == {
        "repeat_window_us": 24 * 3_600_000_000,
        "repeat_max_contacts": 200,
        "service_level_seconds": 15,
        "short_abandon_seconds": 5,
    }
    desk = {c.calendar_id: c for c in ws.calendars()}["desk"]
    from datetime import UTC, datetime

    assert (
        business_seconds(desk, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC)) == 4 * 3600
    )


def test_a_bad_calendar_in_settings_names_the_file_and_field(tmp_path):
    ws = init_workspace(tmp_path / "w")
    (ws.root / "frontdesk.toml").write_text(
        (ws.root / "frontdesk.toml").read_text() + '\n[calendars.bad]\nhours = { mon = "9-5" }\n'
    )
    with pytest.raises(
        WorkspaceError, match=r"frontdesk.toml: calendar bad, hours.mon: '9-5' is not HH:MM-HH:MM"
    ):
        open_workspace(ws.root).calendars()


def test_an_unknown_folder_is_not_a_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="not a Frontdesk workspace"):
        open_workspace(tmp_path)


def test_the_personal_data_policy_is_read_and_checked(tmp_path):
    ws = init_workspace(tmp_path / "w")
    assert ws.masks_personal_data, "masking is the default"
    settings = ws.root / "frontdesk.toml"
    base = settings.read_text()
    settings.write_text(base + '\n[policy]\npersonal_data = "keep"\n')
    assert not open_workspace(ws.root).masks_personal_data
    settings.write_text(base + '\n[policy]\npersonal_data = "hide"\n')
    with pytest.raises(
        WorkspaceError, match=r"frontdesk.toml: \[policy\] personal_data = 'hide': must be one of mask, keep"
    ):
        open_workspace(ws.root)


@pytest.mark.parametrize("value", ["0", "2.5", "true", '"many"'])
def test_repeat_max_contacts_must_be_a_whole_number_of_at_least_one(tmp_path, value):
    ws = init_workspace(tmp_path / "w")
    settings = ws.root / "frontdesk.toml"
    settings.write_text(
        settings.read_text().replace("repeat_max_contacts = 30", f"repeat_max_contacts = {value}")
    )
    with pytest.raises(WorkspaceError, match="repeat_max_contacts"):
        open_workspace(ws.root).view_params()
