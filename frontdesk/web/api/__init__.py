"""The JSON API (django-ninja) at ``/api/``: scorecards, indicators, evidence and cycles for
holders of an API token (``Authorization: Bearer …``, made by ``frontdesk token create``)."""
