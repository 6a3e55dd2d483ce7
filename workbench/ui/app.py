"""The app's frame: page config, login gate, navigation over the pages in workbench/ui/pages.

`workbench serve` runs this file; the checkout's streamlit_app.py runs `run()` too. Streamlit executes the
frame on every rerun, so everything happens inside `run()`, not at import.
"""

from importlib import resources

import streamlit as st

from workbench.ui import auth, reading, session
from workbench.ui.cookie import sync_cookie
from workbench.ui.pages import registry
from workbench.ui.safe import md

FAVICON = resources.files("workbench.ui") / "static" / "favicon.png"


def run() -> None:
    """Configure the page, gate on login, then run the page the navigation picks."""
    # a local file: a ":material/…:" page icon made every page fetch its favicon from fonts.gstatic.com
    st.set_page_config(page_title="Interview research workbench", page_icon=str(FAVICON), layout="wide")

    specs = registry()
    pages = {spec.url_path: st.Page(spec.script, title=spec.title, url_path=spec.url_path, icon=spec.icon)
             for spec in specs}
    # The root URL redirects to the default page, so every page keeps its own path (/overview too).
    home = st.Page(lambda: st.switch_page(next(pages[s.url_path] for s in specs if s.default)), title="Home",
                   url_path="home", default=True, visibility="hidden")
    user = session.user()
    if user is None:
        # Resolve the requested page (and keep its URL and query) without showing it until login.
        st.navigation([home, *pages.values()], position="hidden")
        sync_cookie()
        auth.login_form()
        st.stop()

    with st.sidebar:
        sync_cookie()
        st.caption(f"Signed in as **{md(user.display_name)}** ({user.role})")
        st.caption(f"Study: {md(session.study_path().rsplit('/', 1)[-1])}")
        reading.sidebar_toggle(session.study(), user)
        if st.button("Log out", icon=":material/logout:"):
            session.logout(reason="You have logged out.")
            st.rerun()

    page = st.navigation([home, *(pages[s.url_path] for s in specs if s.visible_to(user))])
    # Each page says whether the menu starts folded (the coding page needs the width); the user's own choice wins.
    st.set_page_config(initial_sidebar_state=next((s.sidebar for s in specs if s.url_path == page.url_path), "auto"))
    page.run()


if __name__ == "__main__":  # `streamlit run workbench/ui/app.py`
    run()
