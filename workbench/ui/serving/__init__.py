"""What `workbench serve` runs: a launcher (`workbench_server.py`, an st.App) and the frame it serves.

They live in their own folder because Streamlit treats a `pages/` folder beside the main script as old-style
pages: with the frame beside `workbench/ui/pages/`, a deep link such as /charts ran the page script alone,
outside the frame's login and navigation. `streamlit run` also puts this folder on sys.path, hence the
distinctive module names.
"""
