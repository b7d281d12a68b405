# diffgen — the two commands of the README, and their parts.
#   make demo   set up, then run the small CPU preset end to end (all figures)
#   make test   set up (system packages too, as root), lint, run the test suite

PYTHON ?= python3
VENV ?= .venv
PINS := envs/requirements.txt
TORCH ?= $(shell grep -E '^torch==' $(PINS))
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup system-deps profiles demo lint test benchmark rulegraph report clean new-study

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The Python environment: torch first (a CPU/CUDA build of the pinned release),
# then the package with its SLURM and development extras, every version from $(PINS).
setup: $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(PINS) "$(TORCH)"
	$(BIN)/python -m pip install --quiet -c $(PINS) -e ".[slurm,dev]"
	@$(MAKE) --no-print-directory profiles

# Make `snakemake --profile slurm|local|small` resolve from any directory by
# linking the project's profiles into ~/.config/snakemake (never overwriting).
profiles:
	@bash resources/link-profiles.sh

# Debian packages the tests use: SLURM + munge (a real single-node cluster),
# Chromium (report screenshot), graphviz (rule graph). Needs root; skipped otherwise.
system-deps:
	@bash resources/system-deps.sh

demo: setup
	$(BIN)/snakemake --profile profiles/small all
	@echo "figures: results/small/<study>/figures/"

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/snakefmt --check Snakefile workflow
	$(BIN)/snakemake --lint --profile profiles/small all

test: setup system-deps lint
	$(BIN)/python -m pytest tests -q

benchmark: setup
	$(BIN)/python benchmarks/throughput.py

rulegraph:
	$(BIN)/snakemake all --rulegraph | dot -Tsvg > resources/rulegraph.svg

report:
	$(BIN)/snakemake --profile profiles/small all --report results/small/report.html

# A new, working study from the template: make new-study NAME=mystudy [TITLE="Study 6: ..."]
new-study:
	$(BIN)/diffgen new-study "$(NAME)" --title "$(or $(TITLE),$(NAME))"

clean:
	rm -rf results/small .snakemake
