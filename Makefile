# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
DB := framing.db

.PHONY: demo test install install-test db serve clean benchmark

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.py
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.py
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Build the demo database from data/ (every sample file is marked as written by the team).
db: install
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/datasette-framing load $(DB) data/corpus --sample
	$(BIN)/datasette-framing events $(DB) data/events.csv

demo: db
	$(BIN)/datasette serve $(DB) -m metadata.yml --host 127.0.0.1 --port $(PORT)

test: install-test
	$(BIN)/python -m pytest tests

benchmark: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm *.egg-info
