# SNUT — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DEBUG=1 $(BIN)/python manage.py

.PHONY: install demo run test lint format bench system-check clean

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

demo: install system-check
	$(MANAGE) migrate --noinput
	$(MANAGE) loaddata questionnaire_snut
	$(MANAGE) loaddata questionnaire_snut_v2
	$(MANAGE) loaddata questionnaire_prestataires ateliers_prestataires
	$(MANAGE) validate_questionnaire
	$(MANAGE) seed_demo

run: demo
	@echo "SNUT sur http://127.0.0.1:$(PORT) — comptes de démo (mot de passe snut-demo) : directeur (office, diagnostic soumis), collegue (membre de la même équipe), directrice (autre office, diagnostic en cours), mopa (réseau, /admin/)."
	@$(MANAGE) demo_business_link --base http://127.0.0.1:$(PORT)
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install node_modules/.installed system-check
	$(BIN)/pytest

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
