"""The one error the use cases raise for bad input: the shells show its message (the CLI as one
line with exit status 2, the web application on the page)."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from the user (a period, a workspace, a file): the message says what and where."""
