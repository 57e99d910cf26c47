# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test serve fuzz

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py siapkan_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Production (README, "Deployment"): gunicorn with whitenoise, DEBUG off,
# behind nginx. It refuses to start on a default secret or host list.
REGISTRI_BIND ?= 127.0.0.1:8000
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) + 1 )))
# Threads per worker: a request waiting on the database or a unit lock does
# not hold a short one back in the queue (bench/README.md, the load run).
THREADS ?= 4
# The access log names the path, never the query string or the referring
# page: a search (?q=) carries the NIP, NIK or handle a clerk typed.
ACCESS_LOG_FORMAT := %(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms

serve: $(VENV)/.installed
	@test -n "$$DJANGO_SECRET_KEY" || { echo "DJANGO_SECRET_KEY belum diisi: buat dengan '$(PY) -c \"import secrets; print(secrets.token_urlsafe(50))\"' dan simpan di berkas lingkungan layanan." >&2; exit 2; }
	@test -n "$$DJANGO_ALLOWED_HOSTS" || { echo "DJANGO_ALLOWED_HOSTS belum diisi: nama host situs ini, mis. registri.bkd.example.go.id." >&2; exit 2; }
	@case "$$(printf %s "$$REGISTRI_HTTP_POLOS" | tr A-Z a-z)" in 1|true|yes|on|ya) \
		printf '\n%s\n%s\n%s\n\n' "!!! PERINGATAN: REGISTRI_HTTP_POLOS aktif: situs ini berjalan tanpa HTTPS." \
		"!!! Kuki sesi dikirim tanpa enkripsi; siapa pun di jaringan yang sama dapat mengambil alih sesi petugas." \
		"!!! Pasang TLS (README, Deployment), lalu hapus REGISTRI_HTTP_POLOS dari berkas lingkungan." >&2;; esac
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 exec $(VENV)/bin/gunicorn config.wsgi --bind $(REGISTRI_BIND) --workers $(WORKERS) \
		--threads $(THREADS) --timeout 300 --access-logfile - --access-logformat '$(ACCESS_LOG_FORMAT)' --error-logfile -

# The suite never needs a real secret; a deployment must set its own.
test: $(VENV)/.installed
	@command -v chromium >/dev/null || echo "Chromium tidak terpasang: uji peramban (tests/e2e) dan uji cetak PDF dilewati. Pasang dengan: apt-get install chromium poppler-utils"
	DJANGO_SECRET_KEY=test-only-not-secret $(PY) -m pytest $(PYTEST_ARGS)

# The whole malformed-file corpus of tests/fuzz.py (about 1,100 cases); CI
# runs a sample of it.
fuzz: $(VENV)/.installed
	REGISTRI_FUZZ=semua DJANGO_SECRET_KEY=test-only-not-secret $(PY) -m pytest tests/test_fuzz.py -q $(PYTEST_ARGS)
