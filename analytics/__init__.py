"""Analytics library of the supervision dashboard: pure functions over DuckDB (no Streamlit)."""
