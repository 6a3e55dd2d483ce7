"""The app's pages: one module each, registered here with their URL path and who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.store.study import User


@dataclass(frozen=True)
class PageSpec:
    """A page: title, stable URL path, icon, its script (a module here ending in `render()`), who sees it."""

    title: str
    url_path: str
    icon: str
    module: str
    needs: str | None = None  # the action a user's role must allow to see the page (None: every logged-in user)
    default: bool = False
    sidebar: str = "auto"  # "collapsed" gives the page the whole width (the menu opens from the » button)

    def visible_to(self, user: User) -> bool:
        """Whether the page is in this user's menu (by what their role may do, not by role name)."""
        return self.needs is None or user.may(self.needs)

    @property
    def script(self) -> str:
        """The page script's absolute path inside the package (the same from a checkout or an installed wheel)."""
        return str(Path(__file__).resolve().parent / f"{self.module}.py")


def registry() -> list[PageSpec]:
    """Every page in menu order."""
    return [
        PageSpec("Overview", "overview", ":material/dashboard:", "overview", default=True),
        PageSpec("Import", "import", ":material/upload_file:", "import_page", "transcripts.import"),
        PageSpec("Transcripts", "transcripts", ":material/description:", "transcripts"),
        PageSpec("Coding", "coding", ":material/format_ink_highlighter:", "coding", sidebar="collapsed"),
        PageSpec("Codebook", "codebook", ":material/account_tree:", "codebook"),
        PageSpec("Memos", "memos", ":material/sticky_note_2:", "memos"),
        PageSpec("Themes", "themes", ":material/category:", "themes"),
        PageSpec("Action Plan", "action-plan", ":material/policy:", "action_plan"),
        PageSpec("Charts", "charts", ":material/insert_chart:", "charts"),
        PageSpec("Search", "search", ":material/search:", "search"),
        PageSpec("Export", "export", ":material/download:", "export_page"),
        PageSpec("Suggestions", "suggestions", ":material/auto_awesome:", "suggestions", "suggestions.decide"),
        PageSpec("Agreement", "agreement", ":material/handshake:", "agreement"),
        PageSpec("Disagreements", "disagreements", ":material/rule:", "disagreements", "codings.resolve"),
        PageSpec("Privacy and care", "privacy", ":material/shield_person:", "privacy", "study.configure"),
        PageSpec("Users", "users", ":material/manage_accounts:", "users", "users.manage"),
        PageSpec("Audit log", "audit", ":material/history:", "audit", "audit.view"),
    ]


def script_for(url_path: str) -> str:
    """The script of the page served at a URL path (what st.page_link and st.switch_page take)."""
    return next(spec.script for spec in registry() if spec.url_path == url_path)
