"""User-facing errors: one line that names the key or file at fault."""


class DiffgenError(Exception):
    """An error the user can fix (bad config, corrupt or missing input).

    The CLI prints ``diffgen: <message>`` and exits with status 2 instead of a
    traceback, so the message must name the offending key or file.
    """


class ConfigError(DiffgenError):
    """A configuration value is missing, of the wrong type or inconsistent."""


class InputFileError(DiffgenError):
    """An input file is missing, unreadable or does not hold what it should."""
