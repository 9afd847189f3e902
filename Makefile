# Two commands for a fresh machine:
#   make run   - create .venv, install, serve the dashboard on http://localhost:8501 (demo data on first start)
#   make test  - create .venv, install (with the browser for end-to-end tests and Java + PySpark
#                for the Spark parity tests), run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run serve test test-spark install install-dev install-spark java browser lint bench screenshots demo

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt

# The Spark engine: PySpark from PyPI and Debian's Java 17 (only for --engine spark and its tests).
install-spark: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-spark.txt

java:
	@if ! command -v java >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

# Debian's Chromium and CJK fonts for the browser tests (Playwright cannot download a browser here).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" || ! fc-list 2>/dev/null | grep -qi "color emoji" || ! command -v pdftoppm >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji poppler-utils >/dev/null; \
	fi

# Localhost only: until accounts exist the dashboard is a one-person tool (see README).
run: install
	$(BIN)/streamlit run dashboard.py --server.port 8501 --server.address 127.0.0.1

# Shared on the network: create the first admin account first (README, "Accounts").
serve: install
	$(BIN)/streamlit run dashboard.py --server.port 8501 --server.address 0.0.0.0

test: install-dev install-spark java browser
	$(BIN)/python -m pytest

# The Spark parity and translation tests alone (make test runs them too).
test-spark: install-dev install-spark java
	$(BIN)/python -m pytest tests/test_spark_parity.py tests/test_sql_translation.py tests/test_engine_settings.py

lint: install-dev
	$(BIN)/ruff check .

demo: install
	$(BIN)/python -m analytics init-demo

bench: install-dev
	$(BIN)/python benchmarks/run.py --sizes small city

screenshots: install-dev browser
	$(BIN)/python -m tests.e2e.screenshots
