# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py siapkan_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The suite never needs a real secret; a deployment must set its own.
test: $(VENV)/.installed
	@command -v chromium >/dev/null || echo "Chromium tidak terpasang: uji peramban (tests/e2e) dan uji cetak PDF dilewati. Pasang dengan: apt-get install chromium poppler-utils"
	DJANGO_SECRET_KEY=test-only-not-secret $(PY) -m pytest $(PYTEST_ARGS)
