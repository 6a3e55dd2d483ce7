"""Who may do what: the one place roles are mapped to actions, and the rule for changing others' work."""

from workbench.errors import PermissionDenied
from workbench.vocab import ROLES as ROLE_VOCABULARY

ROLES = ROLE_VOCABULARY.values

# Every action a role can be granted. Reading needs no action: every logged-in user reads.
ACTIONS = ("users.manage", "study.configure", "transcripts.import", "transcripts.delete", "codebook.edit",
           "codings.write", "memos.write", "suggestions.decide", "suggestions.generate", "others.change",
           "transcripts.assign", "codings.resolve", "preferences.own", "audit.view")
# Actions on one's own account rather than the study's data (a reading setting): every role, reviewers too.
PERSONAL_ACTIONS = frozenset({"preferences.own"})

# An action not listed for a role is refused; reviewers only read (and set their own preferences). "others.change"
# is the right to change or remove what another user wrote (their codings, memos), including through a codebook
# operation that carries their codings (merging, moving or deleting a code): admins only. Deleting a transcript
# takes every coder's work with it: admins only. "transcripts.assign" (who double-codes which transcript, blind or
# not) is the admins'; "codings.resolve" (settling disagreements into the consensus layer) is every coder's, so a
# team can resolve together. "audit.view" reads the audit log (logins, OS users, who changed what): admins only,
# though it writes nothing.
_ALLOWED: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "coder": frozenset(
        {"transcripts.import", "codebook.edit", "codings.write",
         "memos.write", "suggestions.decide", "suggestions.generate", "codings.resolve", *PERSONAL_ACTIONS}
    ),
    "reviewer": PERSONAL_ACTIONS,
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


def require_owners(*, username: str, role: str, owners: dict[str, list[int]], what: str) -> None:
    """Raise PermissionDenied unless the user may change work of every owner (owner → ids of their items)."""
    others = {owner: ids for owner, ids in owners.items() if not may_change(username=username, role=role, owner=owner)}
    if others:
        whose = ", ".join(f"{len(ids)} by {owner}" for owner, ids in sorted(others.items()))
        raise PermissionDenied(f"{what} would change other coders' work ({whose}); only an admin may do that")


# -- exports: reads, so no write action guards them, but what leaves the study is decided here --------------
# "findings" are reports and tables (quotes, counts, the codebook); "project" is the REFI-QDA project file,
# which carries every transcript in full: reviewers get it only where an admin has allowed it for the study.
EXPORT_SCOPES = ("findings", "project")
REVIEWERS_EXPORT_PROJECT = "reviewers_export_project"  # the study setting (study_meta key, "1" = allowed)
_EXPORTS: dict[str, frozenset[str]] = {
    "admin": frozenset(EXPORT_SCOPES),
    "coder": frozenset(EXPORT_SCOPES),
    "reviewer": frozenset({"findings"}),
}


def may_export(role: str, scope: str, *, reviewers_may_export_project: bool = False) -> bool:
    """Whether a role may take an export of this scope out of the study."""
    if scope == "project" and role == "reviewer" and reviewers_may_export_project:
        return True
    return scope in _EXPORTS.get(role, frozenset())


def require_export(*, username: str, role: str, scope: str, reviewers_may_export_project: bool = False) -> None:
    """Raise PermissionDenied unless the role may export this scope."""
    if not may_export(role, scope, reviewers_may_export_project=reviewers_may_export_project):
        what = "the project file (it holds every transcript in full)" if scope == "project" else f"{scope} exports"
        raise PermissionDenied(f"{username} ({role}) may not download {what}; an admin can allow it for reviewers")
