# Two commands do all the set-up on a fresh machine:
#   make demo   install into .venv/, migrate, seed the Xuhui demo and serve http://127.0.0.1:8000
#   make test   install (with test tools) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 0.05

.PHONY: demo test install install-dev assets browser lint serve smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python assets
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .

assets: node_modules/.package-lock.json
	$(BIN)/python tools/vendor.py

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

demo: install
	$(BIN)/yanglao migrate --no-input -v0
	$(BIN)/yanglao seed --profile xuhui --scale $(SCALE) --seed 1
	$(BIN)/yanglao serve

serve:
	$(BIN)/yanglao serve

# Browser tests drive Debian's Chromium with CJK fonts (never a downloaded browser).
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	  else echo "install chromium and fonts-noto-cjk (sudo apt-get install chromium fonts-noto-cjk)"; exit 1; fi; }

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Production settings, collectstatic and gunicorn on a free loopback port, with a small seeded database.
smoke: install
	$(BIN)/python tools/smoke.py

clean:
	rm -rf $(VENV) node_modules static/vendor var test-artifacts
