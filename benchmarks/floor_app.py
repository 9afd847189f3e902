"""The floor: a bare Streamlit app shaped like the dashboard (st.navigation, a sidebar select box,
a title and a line of text per page), timed by benchmarks/pages.py exactly like the dashboard's
pages. No page can settle faster than this on the same machine and browser.

    streamlit run benchmarks/floor_app.py"""

import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")


def first() -> None:
    st.title("Floor")
    st.write("A bare page.")


def second() -> None:
    st.title("Floor, second page")
    st.write("Another bare page.")


navigation = st.navigation(
    [st.Page(first, title="Floor", url_path="floor", default=True), st.Page(second, title="Second")]
)
with st.sidebar:
    st.selectbox("Period", ["last month", "this month"])
navigation.run()
