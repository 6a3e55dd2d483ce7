"""The web server `workbench serve` starts: the app's frame with the routes and headers of workbench/ui/web.py.

`streamlit run` finds `app` below (an st.App) and serves it with uvicorn. AppTest and a bare
`streamlit run streamlit_app.py` run the frame without these: the login then lasts until the page is reloaded.
"""

from pathlib import Path

import streamlit as st
from streamlit.starlette import App

from workbench.errors import WorkbenchError
from workbench.ui.safe import md
from workbench.ui.web import MIDDLEWARE, ROUTES


def shown_as_message(exc: Exception) -> bool:
    """A domain error no page caught (a busy study, say) is shown as its message, not as a crash."""
    if isinstance(exc, WorkbenchError):
        st.error(md(exc))
        return True
    return False


app = App(Path(__file__).resolve().with_name("workbench_frame.py"), routes=ROUTES, middleware=MIDDLEWARE,
          on_script_error=shown_as_message)
