"""Faults: what a user sees, and what the database keeps, when things break mid-request.

- The database connection lost in the middle of a save or an import: a Japanese error page (503),
  never a stack trace, and nothing half written. Simulated on every database by raising
  OperationalError / InterfaceError from a step after rows were written; on PostgreSQL also for
  real, by terminating the backend while the request waits inside its transaction.
- A PDF that fails to render: an error page, no partial file, and a whole-city job marked failed
  with a Japanese message and no file left behind.
- A gunicorn worker killed in the middle of a request (PostgreSQL): nothing of the request
  persists, the sheet stays consistent and the next request is served.

Everything stays on loopback and is bounded by timeouts.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
import weasyprint
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from departments.models import Section
from goals.models import (
    Category,
    ChangeLog,
    CityPdfJob,
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetRevision,
    SheetSigner,
    SheetStatus,
)
from goals.services import imports
from printing import pdf
from printing.jobs import city_pdf_job_start
from reviews.models import Review, Stage
from tests import factories
from tests.excel.workbooks import simple_workbook
from tests.goals.views.conftest import item_post_data
from tests.reviews.conftest import edit_url, make_review, mark, set_phase

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="PostgreSQL だけの試験です（接続の強制切断・ロック・別プロセスの gunicorn）。"
    "CI は PostgreSQL で実行します。",
)

CONNECTION_ERRORS = [
    OperationalError("server closed the connection unexpectedly"),
    InterfaceError("connection already closed"),
]
HTMX = {"HX-Request": "true"}
WAIT_SECONDS = 20


# What a user sees, and what the database holds -----------------------------------------------


def database_state() -> dict:
    """Everything a save or an import could touch, in a comparable form."""
    return {
        "sheets": list(
            GoalSheet.objects.order_by("pk").values_list("pk", "version", "status", "created_on")
        ),
        "items": list(
            GoalItem.objects.order_by("pk").values_list(
                "pk", "sheet_id", "position", "number", "title", "version"
            )
        ),
        "carriers": list(
            GoalItemSection.objects.order_by("pk").values_list("item_id", "section_id", "position")
        ),
        "signers": list(SheetSigner.objects.order_by("pk").values_list("sheet_id", "name")),
        "revisions": list(
            SheetRevision.objects.order_by("pk").values_list("sheet_id", "revised_on")
        ),
        "reviews": list(
            Review.objects.order_by("pk").values_list(
                "pk", "status", "version", "first_half_status", "second_half_plan"
            )
        ),
        "categories": list(Category.objects.order_by("pk").values_list("name", flat=True)),
        "sections": list(Section.objects.order_by("pk").values_list("name", flat=True)),
        "history": ChangeLog.objects.count(),
    }


def assert_database_error_page(response) -> None:
    page = response.content.decode()
    assert response.status_code == 503, page[:500]
    assert response["Content-Type"].startswith("text/html")
    assert "データベースに接続できませんでした" in page
    assert "変更が途中まで保存されることはありません" in page
    assert "Traceback" not in page and "Error" not in page


def assert_positions_in_order(sheet: GoalSheet) -> None:
    positions = list(sheet.items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(len(positions)))


def failing(error: Exception, *, when=lambda **kwargs: True, then=None):
    """A stand-in for a service step: raises `error` when `when(**kwargs)`, else calls `then`."""

    def step(*args, **kwargs):
        if when(**kwargs):
            raise error
        return then(*args, **kwargs)

    return step


@pytest.fixture
def user_client():
    """user_client(user): a logged-in client that answers like the server would (the error page),
    instead of re-raising the view's exception into the test."""

    def login(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def mid_year(org):
    return set_phase(org, FiscalYear.Phase.MID_YEAR)


def review_data(org, *, version: int, text: str) -> dict:
    return {
        "version": str(version),
        "progress_mark": str(mark(org, "△").pk),
        "first_half_status": text,
        "second_half_plan": "・下半期の予定",
        "action": "save",
    }


@pytest.fixture
def three_items(org):
    """Department A's draft sheet with three more items (positions 0–3) carried by 市民課."""
    for position in range(1, 4):
        factories.GoalItemFactory(
            sheet=org.sheet_a,
            position=position,
            number=position + 1,
            title=f"実施項目{position + 1}",
            sections=[org.section_a1],
        )
    return org.sheet_a


# The connection lost in the middle of a save: simulated, on every database --------------------


@pytest.mark.django_db
@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=["operational", "interface"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_review_save_losing_the_connection_writes_nothing(
    mid_year, user_client, monkeypatch, error, headers
):
    review = make_review(mid_year.item_a, mid_year.section_a1, first_half_status="保存済みの文")
    url = edit_url(mid_year.item_a, Stage.MID_YEAR, mid_year.section_a1)
    client = user_client(mid_year.chief_a)
    before = database_state()
    # The review row is written; the history insert after it fails.
    monkeypatch.setattr("reviews.services.filing.changelog_record", failing(error))

    response = client.post(
        url, review_data(mid_year, version=review.version, text="新しい文"), headers=headers
    )

    assert_database_error_page(response)
    assert database_state() == before

    monkeypatch.undo()
    again = client.post(url, review_data(mid_year, version=review.version, text="新しい文"))
    assert again.status_code == 302
    review.refresh_from_db()
    assert review.first_half_status == "新しい文"


@pytest.mark.django_db
@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=["operational", "interface"])
def test_item_save_losing_the_connection_writes_nothing(org, user_client, monkeypatch, error):
    url = reverse("goals:item_edit", args=[org.sheet_a.pk, org.item_a.pk])
    before = database_state()
    monkeypatch.setattr("goals.services.items.changelog_record", failing(error))

    response = user_client(org.head_a).post(
        url,
        item_post_data(org, title="直した実施項目", version=str(org.item_a.version)),
        headers=HTMX,
    )

    assert_database_error_page(response)
    assert database_state() == before


@pytest.mark.django_db
def test_item_insert_losing_the_connection_leaves_the_positions(
    org, three_items, user_client, monkeypatch
):
    """Inserting moves every row below down by one before the new row and its history are
    written: all of it goes."""
    url = reverse("goals:item_create", args=[org.sheet_a.pk])
    before = database_state()
    monkeypatch.setattr("goals.services.items.changelog_record", failing(CONNECTION_ERRORS[0]))

    response = user_client(org.head_a).post(
        url, item_post_data(org, number="2", after=str(org.item_a.pk)), headers=HTMX
    )

    assert_database_error_page(response)
    assert database_state() == before
    assert_positions_in_order(org.sheet_a)


def _import_payload(client, org) -> str:
    """Upload a three-item workbook for department A and return the preview's signed plan."""
    for name in ("施政方針", "その他"):
        factories.CategoryFactory(name=name)
    rows = [
        [str(n), f"読み込む実施項目{n}", "施政方針", "・達成水準", "・方法", "12月", "市民課"]
        for n in range(1, 4)
    ]
    response = client.post(
        reverse("excel:import_preview"),
        {
            "fiscal_year": org.fiscal_year.pk,
            "department": org.dept_a.pk,
            "file": SimpleUploadedFile("整理表.xlsx", simple_workbook(rows)),
        },
    )
    assert response.context["plan"].ok, response.context["plan"].problems
    return response.context["payload"]


@pytest.mark.django_db
@pytest.mark.parametrize("error", CONNECTION_ERRORS, ids=["operational", "interface"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_excel_import_losing_the_connection_writes_nothing(
    org, user_client, monkeypatch, error, headers
):
    client = user_client(org.head_a)
    payload = _import_payload(client, org)
    before = database_state()
    # The old items are deleted and the new ones inserted; the history insert after them fails.
    monkeypatch.setattr(
        imports,
        "changelog_record",
        failing(
            error,
            when=lambda action, **kwargs: action == "sheet.imported",
            then=imports.changelog_record,
        ),
    )

    response = client.post(reverse("excel:import_confirm"), {"payload": payload}, headers=headers)

    assert_database_error_page(response)
    assert database_state() == before


@pytest.mark.django_db
def test_losing_the_connection_before_the_view_is_the_same_page(org, user_client, monkeypatch):
    """Reading the session (in a middleware, before any view) fails the same way."""
    client = user_client(org.chief_a)
    monkeypatch.setattr(
        "django.contrib.sessions.backends.db.SessionStore.load",
        failing(OperationalError("could not connect to server: Connection refused")),
    )

    assert_database_error_page(client.get(reverse("reviews:my_reviews")))


@pytest.mark.django_db
def test_any_other_failure_is_the_japanese_500_page(org, user_client, monkeypatch):
    monkeypatch.setattr("reviews.selectors.my_reviews", failing(RuntimeError("a bug")))

    response = user_client(org.chief_a).get(reverse("reviews:my_reviews"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "システムエラーが発生しました" in page and "a bug" not in page


# The connection lost for real: the backend terminated while the request waits (PostgreSQL) -------


def _psycopg_connection():
    """A connection of our own (outside Django) to the test database."""

    options = connection.settings_dict
    return psycopg.connect(
        dbname=options["NAME"],
        user=options["USER"] or None,
        password=options["PASSWORD"] or None,
        host=options["HOST"] or None,
        port=options["PORT"] or None,
        connect_timeout=10,
    )


@contextlib.contextmanager
def history_locked():
    """Hold an EXCLUSIVE lock on the history table: reads go on, a request's history insert (the
    last step of every save) waits. Yields our connection; leaving rolls back (releases)."""
    with _psycopg_connection() as holder:
        holder.execute("LOCK TABLE goals_changelog IN EXCLUSIVE MODE")
        try:
            yield holder
        finally:
            holder.rollback()


def wait_for_blocked_backend(holder) -> int:
    """The process id of the PostgreSQL backend waiting on our lock."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        # pg_locks is live (pg_stat_activity would be a snapshot taken once per transaction).
        row = holder.execute(
            "SELECT pid FROM pg_locks WHERE NOT granted AND relation = 'goals_changelog'::regclass"
        ).fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("リクエストがロック待ちになりませんでした。")


def wait_for_backend_gone(pid: int) -> None:
    with _psycopg_connection() as watcher:
        watcher.autocommit = True
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if not watcher.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError(f"PostgreSQL のプロセス {pid} が終わりませんでした。")


class RequestThread(threading.Thread):
    """Runs one request in its own thread (and so on its own database connection)."""

    def __init__(self, send):
        super().__init__(daemon=True)
        self.send = send
        self.response = None
        self.error = None

    def run(self):

        try:
            self.response = self.send()
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()

    def result(self):
        self.join(WAIT_SECONDS)
        assert not self.is_alive(), "リクエストが終わりませんでした。"
        if self.error is not None:
            raise self.error
        return self.response


def _terminate_while_waiting(send) -> object:
    with history_locked() as holder:
        request = RequestThread(send)
        request.start()
        backend = wait_for_blocked_backend(holder)
        holder.execute("SELECT pg_terminate_backend(%s)", [backend])
    return request.result()


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_review_save_whose_backend_is_terminated_writes_nothing(mid_year, user_client, headers):
    review = make_review(mid_year.item_a, mid_year.section_a1, first_half_status="保存済みの文")
    url = edit_url(mid_year.item_a, Stage.MID_YEAR, mid_year.section_a1)
    client = user_client(mid_year.chief_a)
    before = database_state()

    response = _terminate_while_waiting(
        lambda: client.post(
            url, review_data(mid_year, version=review.version, text="新しい文"), headers=headers
        )
    )

    assert_database_error_page(response)
    assert database_state() == before
    # The next request gets a new connection and saves.
    again = client.post(url, review_data(mid_year, version=review.version, text="新しい文"))
    assert again.status_code == 302
    review.refresh_from_db()
    assert review.first_half_status == "新しい文"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_excel_import_whose_backend_is_terminated_writes_nothing(org, user_client):
    client = user_client(org.head_a)
    payload = _import_payload(client, org)
    before = database_state()

    response = _terminate_while_waiting(
        lambda: client.post(reverse("excel:import_confirm"), {"payload": payload})
    )

    assert_database_error_page(response)
    assert database_state() == before
    assert client.post(reverse("excel:import_confirm"), {"payload": payload}).status_code == 302
    assert list(org.sheet_a.items.values_list("title", flat=True)) == [
        "読み込む実施項目1",
        "読み込む実施項目2",
        "読み込む実施項目3",
    ]


# A PDF that fails to render ---------------------------------------------------------------------


@pytest.fixture
def broken_weasyprint(monkeypatch, settings, tmp_path):
    """WeasyPrint fails while writing the PDF; media (PDF cache, city files) in a fresh folder,
    rendered in this process so that the failure applies."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def write_pdf(self, *args, **kwargs):
        raise RuntimeError("cairo: out of memory")

    monkeypatch.setattr(weasyprint.Document, "write_pdf", write_pdf)
    return Path(settings.MEDIA_ROOT)


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def assert_pdf_error_page(response) -> None:
    page = response.content.decode()
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert "%PDF" not in page
    assert "PDF を作成できませんでした" in page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["plan", "year_end", "mid_year", "section_review"])
def test_a_failing_sheet_pdf_is_an_error_page(org, user_client, broken_weasyprint, kind):
    url = reverse("print:sheet_pdf", args=[org.sheet_a.pk]) + f"?kind={kind}"

    response = user_client(org.head_a).get(url)

    assert_pdf_error_page(response)
    assert files_under(broken_weasyprint) == []


@pytest.mark.django_db
def test_a_failing_section_pdf_is_an_error_page(org, user_client, broken_weasyprint):
    url = reverse("print:section_review_pdf", args=[org.sheet_a.pk, org.section_a1.pk])

    assert_pdf_error_page(user_client(org.chief_a).get(url))
    assert files_under(broken_weasyprint) == []


@pytest.mark.django_db
def test_a_failing_city_pdf_marks_the_job_failed_and_leaves_no_file(
    org, user_client, broken_weasyprint
):
    client = user_client(org.planner)
    # The whole-city bundle prints accepted sheets.
    GoalSheet.objects.filter(fiscal_year=org.fiscal_year).update(status=SheetStatus.ACCEPTED)

    response = client.post(
        reverse("print:city_start"), {"year": org.fiscal_year.year, "kind": "plan"}
    )

    job = CityPdfJob.objects.get()
    assert response.status_code == 302
    assert job.status == CityPdfJob.Status.FAILED
    assert job.error == pdf.RENDER_FAILED
    assert not job.file
    assert files_under(broken_weasyprint) == []
    status_page = client.get(response["Location"]).content.decode()
    assert pdf.RENDER_FAILED in status_page
    download = client.get(reverse("print:city_download", args=[job.pk]))
    assert download.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "breaks",
    ["page_count", "final_save"],
    ids=["counting pages", "saving the finished job"],
)
def test_a_city_pdf_failing_after_rendering_leaves_no_file(
    org, settings, tmp_path, monkeypatch, breaks
):
    """The file is written before the job is marked done: if that last step fails, the file goes
    too, and the job says it failed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_PROCESSES = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The whole-city bundle prints accepted sheets.
    GoalSheet.objects.filter(fiscal_year=org.fiscal_year).update(status=SheetStatus.ACCEPTED)
    if breaks == "page_count":
        monkeypatch.setattr(pdf, "page_count", failing(RuntimeError("broken PDF")))
    else:
        save = CityPdfJob.save

        def save_failing_when_done(self, *args, **kwargs):
            if self.status == CityPdfJob.Status.DONE:
                raise OperationalError("server closed the connection unexpectedly")
            return save(self, *args, **kwargs)

        monkeypatch.setattr(CityPdfJob, "save", save_failing_when_done)

    job = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan", user=org.planner)

    job.refresh_from_db()
    assert job.status == CityPdfJob.Status.FAILED
    assert job.error == pdf.RENDER_FAILED
    assert not job.file
    assert files_under(Path(settings.MEDIA_ROOT) / "pdf" / "city") == []


# A worker killed in the middle of a request (gunicorn, PostgreSQL) -------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children


class Gunicorn:
    """gunicorn with one worker on a free loopback port, against the test database."""

    def __init__(self, log: Path):
        self.port = _free_port()
        options = connection.settings_dict
        credentials = options["USER"] + (f":{options['PASSWORD']}" if options["PASSWORD"] else "")
        environment = {
            **os.environ,
            # The development settings: the production ones need collected static files, which
            # would be written into the checkout. Transactions behave the same.
            "DJANGO_SETTINGS_MODULE": "config.settings.development",
            "DEBUG": "true",
            "DATABASE_URL": (
                f"postgres://{credentials}@{options['HOST'] or '127.0.0.1'}:"
                f"{options['PORT'] or 5432}/{options['NAME']}"
            ),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_TIMEOUT": "60",
        }
        environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method: str, path: str, *, session: str, body: dict | None = None):
        """Returns (status, body); cookies and CSRF token as a browser would send them."""
        token = "faulttestcsrftoken0123456789abcd"  # an unmasked 32-character secret
        headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
            f"{settings.CSRF_COOKIE_NAME}={token}",
            "X-CSRFToken": token,
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_SECONDS)
        try:
            client.request(method, path, body=data, headers=headers)
            response = client.getresponse()
            return response.status, response.read().decode()
        finally:
            client.close()

    def wait_until_serving(self, session: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn が終了しました。"
            with contextlib.suppress(OSError):
                # Logged in, the login page redirects home.
                if self.request("GET", "/login/", session=session)[0] == 302:
                    return
            time.sleep(0.2)
        raise AssertionError("gunicorn が応答しません。")

    def worker(self) -> int:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if workers := _children(self.process.pid):
                return workers[0]
            time.sleep(0.1)
        raise AssertionError("gunicorn のワーカーが見つかりません。")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(WAIT_SECONDS)
        self.log.close()


@pytest.fixture
def gunicorn(tmp_path):
    server = Gunicorn(tmp_path / "gunicorn.log")
    yield server
    server.stop()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_request_leaves_nothing_half_written(org, three_items, gunicorn):
    login = Client()
    login.force_login(org.head_a)
    session = login.cookies[settings.SESSION_COOKIE_NAME].value
    gunicorn.wait_until_serving(session)
    url = reverse("goals:item_create", args=[org.sheet_a.pk])
    insert = item_post_data(org, number="2", after=str(org.item_a.pk))
    before = database_state()

    with history_locked() as holder:
        request = RequestThread(lambda: gunicorn.request("POST", url, session=session, body=insert))
        request.start()
        # The rows below have moved down and the new row is in; the history insert waits.
        backend = wait_for_blocked_backend(holder)
        worker = gunicorn.worker()
        os.kill(worker, signal.SIGKILL)
        request.join(WAIT_SECONDS)
        assert not request.is_alive()
        assert isinstance(request.error, (http.client.HTTPException, OSError)), request.error
    # Our lock is released: the orphaned backend finds its client gone and rolls back.
    wait_for_backend_gone(backend)

    assert database_state() == before
    assert_positions_in_order(org.sheet_a)
    assert not GoalItemSection.objects.exclude(item__in=GoalItem.objects.all()).exists()

    # The master starts a new worker, which serves the next request, and the same insert works.
    gunicorn.wait_until_serving(session)
    assert gunicorn.worker() != worker
    status, page = gunicorn.request(
        "GET", reverse("goals:sheet_detail", args=[org.sheet_a.pk]), session=session
    )
    assert status == 200 and "実施項目4" in page
    status, _ = gunicorn.request("POST", url, session=session, body=insert)
    assert status == 302
    assert_positions_in_order(org.sheet_a)
    assert list(org.sheet_a.items.order_by("position").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert ChangeLog.objects.count() > before["history"]
