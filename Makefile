# Two commands set everything up: `make run` and `make test` (CONTRACT section 1).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FAO := $(VENV)/bin/fao
NPM_DIR := webui/assets

.PHONY: run lint test test-fast models bench bench-more setup setup-test assets system-deps db clean translations i18n-extract

$(VENV)/.stamp-install: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-install
	$(PIP) install -q -e '.[test]'
	touch $@

$(NPM_DIR)/node_modules/.stamp: $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	cd $(NPM_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(NPM_DIR)/node_modules/.stamp

# Debian packages: Chinese fonts (letters, screenshots), chromium (browser tests) and postgresql
# (the tests start a private server from it when none answers at 127.0.0.1:5432).
system-deps:
	@if ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || ! command -v chromium >/dev/null \
			|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei chromium postgresql; \
		else echo "please install fonts-wqy-microhei, chromium and postgresql (apt-get)"; fi; \
	fi

# The .mo catalogues are built here (never at app start) from the .po files kept in git.
TRANSLATIONS := webui/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.stamp-install
	$(VENV)/bin/pybabel -q compile -d $(TRANSLATIONS) -l $*

translations: $(MO_FILES)

# For developers: new message ids from the code and templates into every catalogue.
i18n-extract: $(VENV)/.stamp-install
	$(VENV)/bin/pybabel -q extract -F webui/babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete
	rm $(TRANSLATIONS)/messages.pot

setup: $(VENV)/.stamp-install assets system-deps translations

setup-test: setup $(VENV)/.stamp-test

db: setup
	$(FAO) db upgrade
	$(FAO) deploy bpmn_models
	$(FAO) demo --if-empty

run: db
	$(FAO) serve --host 127.0.0.1 --port 5000

# ruff and mypy: zero findings on the packages (configured in pyproject.toml).
lint: setup-test
	$(VENV)/bin/ruff check engine store webui processes tools
	$(VENV)/bin/mypy

test: setup-test lint
	$(VENV)/bin/pytest -q -p no:randomly -n 2 --dist loadfile --durations=15

# The edit loop: no PostgreSQL, no browser, no killed processes.
test-fast: setup-test lint
	$(VENV)/bin/pytest -q -p no:randomly -n 2 --dist loadfile -m "not postgres and not browser" \
		--ignore=tests/browser --ignore=tests/faults

# Regenerate bpmn_models/ from the generator in tools/authoring (tests/tools checks they agree).
models: $(VENV)/.stamp-install
	$(PY) -m tools.authoring.build bpmn_models

# One table of every speed figure (bench/all.py, ~10 min); the monitor and mixed-load benchmarks
# are longer and run on their own: make bench-more.
bench: setup-test
	$(PY) bench/all.py

bench-more: setup-test
	$(PY) bench/monitor.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) $(NPM_DIR)/node_modules instance
