"""Who may do what: the one place roles are mapped to actions."""

from workbench.errors import PermissionDenied

ROLES = ("admin", "coder", "reviewer")

# An action not listed for a role is refused; reviewers only read.
_ALLOWED: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {"users.manage", "study.configure", "transcripts.import", "participants.edit",
         "codebook.edit", "codings.write", "memos.write", "suggestions.decide", "suggestions.generate"}
    ),
    "coder": frozenset(
        {"transcripts.import", "participants.edit", "codebook.edit", "codings.write",
         "memos.write", "suggestions.decide", "suggestions.generate"}
    ),
    "reviewer": frozenset(),
}


def allowed(role: str, action: str) -> bool:
    """Whether a role may perform an action."""
    return action in _ALLOWED.get(role, frozenset())


def require(*, username: str, role: str, action: str) -> None:
    """Raise PermissionDenied unless the role may perform the action."""
    if not allowed(role, action):
        raise PermissionDenied(f"{username} ({role}) may not {action.replace('.', ' ')}")
