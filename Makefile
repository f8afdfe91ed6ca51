# The two commands: `make build` (environment + site) and `make test` (every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.test-installed

.PHONY: build test bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

build: $(STAMP)
	$(BIN)/giaoban build

$(TESTSTAMP): $(STAMP) pyproject.toml package.json scripts/install-test-tools.sh
	bash scripts/install-test-tools.sh
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

test: $(TESTSTAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --durations=15 $(PYTEST_ARGS)

# 100,000 articles (a national archive) without peers: Hugo did not finish them in 20 minutes (issue 18);
# 10,000 again in that run, for the growth of the cold build from one to the other.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench.py --n 10000 --n 100000 --repeat 1 --no-peers
	$(BIN)/python benchmarks/photo_bench.py --n 1000

serve: $(STAMP)
	$(BIN)/giaoban serve

clean:
	rm -rf output .giaoban-cache
