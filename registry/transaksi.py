"""Every request that writes is one transaction, and a conflict between two
clerks is retried, never shown.

Django's ``ATOMIC_REQUESTS`` wraps each view in a transaction, but a
deadlock or serialization failure (PostgreSQL aborts one of two
transactions that wait for each other) then reaches the clerk as a 500:
the retry has to sit outside the transaction. ``TransaksiMiddleware``
therefore runs the view itself, rendering included, inside one
``transaction.atomic()``, and runs it again (at most ``ATTEMPTS`` times,
after a short random pause) when the database says the transaction lost
such a conflict. What the lost attempt left outside the database is undone
first: changes to the session, queued messages, the read position of the
uploaded files, and files it stored (a screenshot whose row was rolled
back). A request that fails for any other reason is rolled back whole, and
the files it stored are deleted.

Safe requests (GET, HEAD, OPTIONS) only read and run without it: on SQLite
a transaction takes the write lock at BEGIN (IMMEDIATE), which would queue
every page behind an import. The one read that writes, the first report of
a day recording that day (``kemajuan.record_day_if_missing``), is a
transaction of its own.
"""

import contextvars
import logging
import random
import time

from django.contrib import messages
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
ATTEMPTS = 5
# PostgreSQL's deadlock_detected and serialization_failure.
CONFLICT_SQLSTATES = {"40P01", "40001"}

# Names the storage saved during the current attempt, or None outside one.
_stored = contextvars.ContextVar("registry_stored_files", default=None)


class TrackedStorage(FileSystemStorage):
    """The media storage, telling the running request which files it saved,
    so that a rolled-back request leaves no file behind."""

    def _save(self, name, content):
        name = super()._save(name, content)
        stored = _stored.get()
        if stored is not None:
            stored.append((self, name))
        return name


def is_conflict(error):
    """Whether ``error`` lost a conflict with another transaction and may simply be tried again."""
    if getattr(error.__cause__, "sqlstate", None) in CONFLICT_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(error)


class _Attempt:
    """What one run of a view changes outside the database, and how to take it back."""

    def __init__(self, request):
        self.request = request
        self.session = dict(request.session) if hasattr(request, "session") else None
        storage = messages.get_messages(request) if hasattr(request, "_messages") else None
        # BaseStorage keeps the messages added during a request in this list.
        self.messages = storage
        self.queued = len(storage._queued_messages) if storage is not None else 0
        self.stored = []

    def undo(self):
        for storage, name in self.stored:
            storage.delete(name)
        if self.session is not None and dict(self.request.session) != self.session:
            self.request.session.clear()
            self.request.session.update(self.session)
        if self.messages is not None:
            del self.messages._queued_messages[self.queued:]
        for _, files in self.request.FILES.lists():
            for upload in files:
                upload.seek(0)


def run_atomic(request, view, args, kwargs):
    """The view's response, from its first attempt that did not lose a conflict."""
    for attempt in range(1, ATTEMPTS + 1):
        state = _Attempt(request)
        token = _stored.set(state.stored)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)):
                    response = response.render()
            return response
        except DatabaseError as error:
            state.undo()
            if attempt == ATTEMPTS or not is_conflict(error):
                raise
            logger.warning("Transaksi %s %s kalah dalam konflik; diulang (%d)", request.method, request.path, attempt)
            time.sleep(random.uniform(0.02, 0.1) * attempt)
        except BaseException:
            state.undo()
            raise
        finally:
            _stored.reset(token)


class TransaksiMiddleware:
    """Runs every view of a request that may write in one transaction (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method in SAFE_METHODS:
            return None
        return run_atomic(request, view, args, kwargs)
