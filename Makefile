# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint check-deploy lock clean serve bench screenshots messages
WORKERS ?= 2
THREADS ?= 4

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.dev-deps: requirements-dev.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_content --if-empty
	@echo ""
	@echo "  Help center: http://$(HOST):$(PORT)/"
	@echo "  Admin:       http://$(HOST):$(PORT)/admin/"
	@echo "  Create an account for the admin with:"
	@echo "    $(PY) manage.py create_staff_user --role editor USERNAME"
	@echo "  (roles: editor, reviewer, admin). Stop with Ctrl-C."
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: set DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
serve: $(VENV)/.run-deps
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/granian --interface wsgi helpcenter.wsgi:application --host $(HOST) \
		--port $(PORT) --workers $(WORKERS) --blocking-threads $(THREADS) \
		--respawn-failed-workers --access-log

# Load test of the production servers on 10,000 questions; writes docs/benchmarks.md.
bench: $(VENV)/.dev-deps
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) manage.py bench_pages

# Members' interface in Spanish: collect the strings, then compile after translating.
messages: $(VENV)/.dev-deps
	$(PY) manage.py makemessages -l es --no-location --ignore ".venv/*" --ignore "var/*" \
		--ignore "tests/*" --ignore "staticfiles/*"
	$(PY) manage.py compilemessages -l es --ignore ".venv/*"

# Screenshots of the demo content for docs/screenshots (needs Chromium: apt-get install chromium).
screenshots: $(VENV)/.dev-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_content --if-empty
	$(PY) manage.py screenshots

test: $(VENV)/.dev-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	@$(MAKE) --no-print-directory check-deploy

# Django's deployment checklist against production settings; check does not connect to the
# database, so any well-formed DATABASE_URL will do. A fresh random key each run.
check-deploy: $(VENV)/.dev-deps
	DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=help.example.org \
	DATABASE_URL=postgresql://helpcenter@db.example.org:5432/helpcenter \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: $(VENV)/.dev-deps
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --strip-extras --generate-hashes --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --generate-hashes --no-emit-index-url \
		--no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles

# Search speed over 10,000 generated questions, in a database created and dropped for it.
.PHONY: bench-search
bench-search: $(VENV)/.dev-deps
	$(PY) manage.py bench_search
