"""Who may do what: the one place roles are mapped to actions, and the rule for changing others' work."""

from workbench.errors import PermissionDenied
from workbench.vocab import ROLES as ROLE_VOCABULARY

ROLES = ROLE_VOCABULARY.values

# Every action a role can be granted. Reading needs no action: every logged-in user reads.
ACTIONS = ("users.manage", "study.configure", "transcripts.import", "codebook.edit",
           "codings.write", "memos.write", "suggestions.decide", "suggestions.generate", "others.change",
           "audit.view")

# An action not listed for a role is refused; reviewers only read. "others.change" is the right to change
# or remove what another user wrote (their codings, memos): admins only. "audit.view" reads the audit log
# (logins, OS users, who changed what): admins only, though it writes nothing.
_ALLOWED: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "coder": frozenset(
        {"transcripts.import", "codebook.edit", "codings.write",
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


def may_change(*, username: str, role: str, owner: str) -> bool:
    """Whether a user may change something another user (the owner) wrote: its owner, or an admin."""
    return username == owner or allowed(role, "others.change")


def require_owner(*, username: str, role: str, owner: str, what: str) -> None:
    """Raise PermissionDenied unless the user owns `what` or may change others' work."""
    if not may_change(username=username, role=role, owner=owner):
        raise PermissionDenied(f"{what} belongs to {owner}; only they or an admin may change it")
