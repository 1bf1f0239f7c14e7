# Two commands for a new user: `make run` and `make test`. Both install first when needed.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock run test lint format check-python migrate demo serve clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 以上が必要です（見つかったのは %s）" % sys.version.split()[0])'

# Installs exactly the versions of requirements/lock.txt, every file checked against its hash;
# pyproject.toml keeps the ranges. After changing a dependency there: `make lock`, then commit both.
LOCK := requirements/lock.txt
UV := $(VENV)/uv-tool/bin/uv

$(STAMP): pyproject.toml $(LOCK) | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# Resolves pyproject.toml's ranges (runtime and dev) anew for every Python 3.11-3.13 and platform,
# with the hashes of every file (uv, in a virtualenv of its own).
lock: | check-python
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV)/uv-tool && $(VENV)/uv-tool/bin/pip install --quiet "uv>=0.13,<0.14"; }
	$(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes --extra dev \
		--custom-compile-command "make lock" pyproject.toml -o $(LOCK)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "http://$(HOST):$(PORT)/ で起動します（終了は Ctrl+C）。上のデモ用ログインでログインしてください。"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# In parallel (pytest-xdist, one worker per core; TEST_WORKERS=0 runs in this process). pytest's
# exit code 5, "no tests ran", is a failure and says so.
TEST_WORKERS ?= auto
test: install
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then \
		echo "make test: テストが1件も実行されませんでした（pytest の終了コード 5）。失敗として扱います。" >&2; \
	fi; \
	exit $$status

# Production-style serving (PostgreSQL, gunicorn, WhiteNoise). Needs SECRET_KEY, ALLOWED_HOSTS and
# DATABASE_URL in the environment; see README.md, "本番環境".
serve: install
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
