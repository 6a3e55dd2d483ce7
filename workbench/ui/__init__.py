"""The Streamlit face: pages, the transcript component, login. Only this package imports Streamlit."""
