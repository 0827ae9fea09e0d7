# SNUT — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DEBUG=1 $(BIN)/python manage.py
# Bytecode caches written even where the environment turns them off (PYTHONDONTWRITEBYTECODE,
# set on some CI machines): pytest's rewritten test modules then load from them on the next
# run and in every xdist worker started after the first collection, 5 s less per worker.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install demo run test test-fast lint format bench system-check clean

# System packages (snut/system_check.py, the one list, installs them on Debian/Ubuntu): what
# `make run` needs, and for `make test` (its prerequisites inherit the variable) the browser,
# Java, npm and Redis as well.
SYSTEM_NEEDS = run
test: SYSTEM_NEEDS = test

system-check:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "SNUT a besoin de Python 3.11 ($(PYTHON) introuvable) : installez-le ou lancez make PYTHON=/chemin/vers/python3.11."; exit 1; }
	@$(PYTHON) snut/system_check.py $(SYSTEM_NEEDS)

$(BIN)/.installed: requirements.txt requirements-dev.txt | system-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# axe-core and the Nu HTML checker for the accessibility tests, pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json | system-check
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

install: $(BIN)/.installed

# The production's setup (every version of the questionnaires: the demo crosses a revision),
# then the fictional offices and businesses.
demo: install system-check
	$(MANAGE) migrate --noinput
	$(MANAGE) snut_setup --all-versions
	$(MANAGE) validate_questionnaire
	$(MANAGE) seed_demo

run: demo
	@echo "SNUT sur http://127.0.0.1:$(PORT) — comptes de démo (mot de passe snut-demo) : directeur (office, diagnostic soumis), collegue (membre de la même équipe), directrice (autre office, diagnostic en cours), mopa (réseau, /admin/)."
	@$(MANAGE) demo_business_link --base http://127.0.0.1:$(PORT)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The suite on every core (pytest-xdist, one worker per core). loadgroup keeps each
# xdist_group (a module that seeds the demo or prints its reports once) on one worker;
# --no-loadscope-reorder keeps pytest-django's order, transactional tests last on each worker.
# PYTEST_ARGS adds options: make test PYTEST_ARGS="-m 'not browser' --durations=25".
PYTEST_PARALLEL ?= -n auto --dist loadgroup --no-loadscope-reorder

test: install node_modules/.installed system-check
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The edit loop: everything but the browser and slow tests (pyproject.toml's markers).
test-fast: install system-check
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

bench: install system-check
	$(BIN)/python bench/run.py $(BENCH_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis db.sqlite3 staticfiles
