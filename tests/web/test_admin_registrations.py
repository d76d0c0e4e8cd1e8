"""The admin lists scheme acknowledgements, appeals, adjustments and the audit log to staff, and
changes none of them: no add, change or delete, and a forged POST is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from frontdesk.web.appeals import workflow
from frontdesk.web.appeals.models import Adjustment, Appeal, AuditEntry
from frontdesk.web.appraisal.models import SchemeAcknowledgement

from .test_appeals import file, in_review, user  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(in_review):  # noqa: F811
    workflow.decide_appeal(user("lead"), file(proposed_value=88.0), "accepted", comment="Agreed.")
    SchemeAcknowledgement.objects.create(user=user("agent"), scheme_version="default:1+abcdef12")
    get_user_model().objects.create_superuser("root", password="pw")
    client = Client()
    assert client.login(username="root", password="pw")
    return client


@pytest.mark.parametrize("model", [SchemeAcknowledgement, Appeal, Adjustment, AuditEntry])
def test_staff_read_them_and_change_none(staff, model):
    meta = model._meta
    row = model.objects.order_by("pk").first()
    listing = staff.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert listing.status_code == 200
    assert f"/{row.pk}/change/".encode() in listing.content
    change_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
    page = staff.get(change_url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert staff.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
    assert staff.post(change_url, {}).status_code == 403
    delete_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[row.pk])
    assert staff.post(delete_url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
