# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
DB := framing.db

.PHONY: demo test install install-test db serve clean benchmark loadtest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.py
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.py
	$(BIN)/pip install --quiet -e '.[test,dask]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Build the demo database from data/ (every sample file is marked as written by the team).
# Feeds and Media Cloud exports carry no country or kind, so each is loaded with its side.
CORPUS := data/corpus
db: install
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/datasette-framing load $(DB) $(CORPUS)/us_coverage.jsonl $(CORPUS)/us_official.jsonl \
		$(CORPUS)/mx_coverage.jsonl $(CORPUS)/mx_official.jsonl $(CORPUS)/pages $(CORPUS)/statements --sample
	$(BIN)/datasette-framing load $(DB) $(CORPUS)/feeds/us_wire.rss $(CORPUS)/mediacloud_us.csv \
		--country US --kind coverage --sample
	$(BIN)/datasette-framing load $(DB) $(CORPUS)/feeds/mx_noticias.atom $(CORPUS)/mediacloud_mx.tsv \
		--country MX --kind coverage --sample
	$(BIN)/datasette-framing events $(DB) data/events.csv
	$(BIN)/datasette-framing analyze $(DB)

demo: db
	$(BIN)/datasette serve $(DB) -m metadata.yml --host 127.0.0.1 --port $(PORT)

test: install-test
	$(BIN)/python -m pytest tests

benchmark: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm *.egg-info

# Concurrent requests to every plugin page of the demo database for 30 s (loopback only).
loadtest: db
	$(BIN)/python -m benchmarks.serve_load $(DB) --duration 30 --concurrency 8
