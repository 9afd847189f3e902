# Two commands for a fresh machine:
#   make run   - create .venv, install, serve the dashboard on http://localhost:8501 (demo data on first start)
#   make test  - create .venv, install (with the browser for end-to-end tests), run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev browser lint bench screenshots demo

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Debian's Chromium and CJK fonts for the browser tests (Playwright cannot download a browser here).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" || ! fc-list 2>/dev/null | grep -qi "color emoji"; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

run: install
	$(BIN)/streamlit run dashboard.py --server.port 8501

test: install-dev browser
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .

demo: install
	$(BIN)/python -m analytics init-demo

bench: install-dev
	$(BIN)/python benchmarks/run.py --sizes small city

screenshots: install-dev browser
	$(BIN)/python -m tests.e2e.screenshots
