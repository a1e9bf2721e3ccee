# Two commands on a fresh machine: `make demo` and `make test`. Everything else is installed from here.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BOT    := $(VENV)/bin/bot
STAMP  := $(VENV)/.installed

.PHONY: demo test lint unit bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint,bench,postgres]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m bot.demo

unit: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests bench
	$(VENV)/bin/mypy

test: lint unit

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3 test-artifacts
