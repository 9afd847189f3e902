"""The floors: a bare Streamlit app shaped like the dashboard (st.navigation, a sidebar select box,
a title and a line of text per page), timed by benchmarks/pages.py exactly like the dashboard's
pages. No page can settle faster than this on the same machine and browser.

Its page /chart adds what the dashboard's pages with a chart and a table draw at the least: one
Plotly bar chart and one table of 200 rows. A page that draws a Plotly chart cannot settle faster
than that page: in a new tab the browser first loads and runs Streamlit's Plotly module.

    streamlit run benchmarks/floor_app.py"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")


def first() -> None:
    st.title("Floor")
    st.write("A bare page.")


def second() -> None:
    st.title("Floor, second page")
    st.write("Another bare page.")


def chart() -> None:
    st.title("Floor with a chart")
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    st.plotly_chart(go.Figure(go.Bar(x=months, y=list(range(12)))), width="stretch")
    numbers = np.arange(200 * 6).reshape(200, 6)
    st.dataframe(pd.DataFrame(numbers, columns=list("abcdef")), width="stretch")


navigation = st.navigation(
    [
        st.Page(first, title="Floor", url_path="floor", default=True),
        st.Page(second, title="Second"),
        st.Page(chart, title="Floor with a chart", url_path="chart"),
    ]
)
with st.sidebar:
    st.selectbox("Period", ["last month", "this month"])
navigation.run()
