"""The one error base of sosgen; the CLI turns it into an exit code and a message."""

from __future__ import annotations


class SosgenError(Exception):
    """A problem the user can act on. Printed as `sosgen: <message>`, exit code `exit_code`."""

    exit_code = 1


class UsageError(SosgenError):
    """Bad arguments or configuration: exit 2."""

    exit_code = 2
