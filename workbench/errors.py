"""Domain exceptions with messages a researcher can act on."""


class WorkbenchError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(WorkbenchError):
    """A file or value given to the workbench cannot be used; says what and where."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        where = ""
        if source and line:
            where = f"line {line} of {source}: "
        elif source:
            where = f"{source}: "
        super().__init__(where + message)
        self.source = source
        self.line = line


class DuplicateError(WorkbenchError):
    """The thing already exists (same transcript content, same username, …)."""


class NotFoundError(WorkbenchError):
    """A named transcript, code, user or coding does not exist."""


class PermissionDenied(WorkbenchError):
    """The acting user's role does not allow this operation."""


class AuthError(WorkbenchError):
    """Login failed or the session expired."""


class PiiHeld(WorkbenchError):
    """A file holds likely identifying data: held until pseudonymised or imported as is with a reason.

    `findings` lists (line, kind label) only: a message about a held file never carries the values.
    """

    def __init__(self, message: str, *, findings: list[tuple[int, str]]):
        super().__init__(message)
        self.findings = findings


class BusyError(WorkbenchError):
    """Another write held the study longer than the wait allows; nothing was written, try again."""

    def __init__(self, message: str = "the study is busy with another change; nothing was written, try again "
                                      "in a moment"):
        super().__init__(message)
