"""The app's pages: one module each, registered here with their URL path and who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ALL_ROLES = ("admin", "coder", "reviewer")
WRITERS = ("admin", "coder")


@dataclass(frozen=True)
class PageSpec:
    """A page: title, stable URL path, icon, render function, roles that see it."""

    title: str
    url_path: str
    icon: str
    render: Callable[[], None]
    roles: tuple[str, ...] = ALL_ROLES
    default: bool = False


def registry() -> list[PageSpec]:
    """Every page in menu order (imported lazily so a page's imports cost nothing elsewhere)."""
    from workbench.ui.pages import codebook, coding, import_page, memos, overview, transcripts

    return [
        PageSpec("Overview", "overview", ":material/dashboard:", overview.render, default=True),
        PageSpec("Import", "import", ":material/upload_file:", import_page.render, WRITERS),
        PageSpec("Transcripts", "transcripts", ":material/description:", transcripts.render),
        PageSpec("Coding", "coding", ":material/format_ink_highlighter:", coding.render),
        PageSpec("Codebook", "codebook", ":material/account_tree:", codebook.render),
        PageSpec("Memos", "memos", ":material/sticky_note_2:", memos.render),
    ]
