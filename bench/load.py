"""Load test: N section chiefs filing their mid-year reviews at once, against gunicorn with the
production settings and PostgreSQL, on loopback.

1. Creates a fresh PostgreSQL database (`--database`, default `load_bench`, dropped first when it
   exists), migrates it, collects the static files and loads the demo data (`load_demo --force`).
   Then adds ceil(N / 5) departments of five sections each: every department gets a copy of the
   demo's 市民部 sheet (25 items, accepted) in the current fiscal year, in its mid-year phase, with
   the items shared out among its sections, and every section a chief (load_chief_001 …) who
   carries 3–7 items. Written with the services (`sheet_import`) and bulk_create.
2. Starts gunicorn (`config/gunicorn.py`, `config.settings.production`, a random SECRET_KEY,
   `SECURE_SSL_REDIRECT=false`, `ALLOWED_HOSTS=127.0.0.1`) on 127.0.0.1:8105, and stops it at the
   end. The client plays the TLS proxy of a deployment: it sends `X-Forwarded-Proto: https`, so
   Django treats the requests as HTTPS (secure cookies, CSRF origin checks) as it would in service.
3. N threads, one per chief, each with its own keep-alive connection and cookies. Each logs in
   through the login page (GET the form, POST it, follow to the home page), then all of them loop
   for `--seconds`: their department's sheet page, 「確認の記入」 (My reviews), the review form of
   their next item, and saving that mid-year review as a draft (an htmx POST, as the browser sends
   it) with the version the form carried. After every response a chief waits a think time drawn
   uniformly from 0.2–1.0 s (`--think`), which is quicker than people read and type: a heavier
   load than the same number of real users.
4. Prints requests per second, p50 / p95 / max latency per kind of request and overall, the
   errors (any status other than 2xx/3xx, timeouts, connection errors, a save not acknowledged),
   the CPU the server and the load generator used, and then checks, after gunicorn has stopped,
   that every review holds the last text the server acknowledged for it.

    .venv/bin/python bench/load.py                  # 50 users, 60 s (target: no error, no lost
                                                    # save, p95 < 300 ms)
    .venv/bin/python bench/load.py --quick          # smoke run: 5 users, 10 s
    .venv/bin/python bench/load.py --users 80 --seconds 120 --workers 3 --threads 4

Logins are timed on their own (PBKDF2 costs a few hundred milliseconds of CPU by design) and are
not in the measured window, which starts once every chief is logged in.
"""

import argparse
import dataclasses
import http.client
import http.cookies
import io
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
SECTIONS_PER_DEPARTMENT = 5
TARGET_P95_MS = 300
REQUEST_TIMEOUT = 30  # seconds: slower than this is an error
LOGIN_TIMEOUT = 300  # seconds for every chief to log in
OUTPUT = ROOT / "bench" / "output"

KINDS = {
    "login_form": "ログイン画面",
    "login": "ログイン（送信）",
    "home": "ホーム",
    "sheet": "整理表の画面",
    "my_reviews": "確認の記入（一覧）",
    "review_form": "確認の記入画面",
    "review_save": "確認の保存（下書き）",
}
LOOP_KINDS = ["sheet", "my_reviews", "review_form", "review_save"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent section chiefs")
    parser.add_argument("--seconds", type=float, default=60, help="length of the measured window")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: config/gunicorn)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: config)")
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 1.0), metavar=("MIN", "MAX"))
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--database", default="load_bench", help="created afresh, then dropped")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server (without a database name)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="reuse each chief's connection (default: one per request, as nginx's upstream)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 users for 10 s")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.users, args.seconds = 5, 10
    if args.database in {"postgres", "template0", "template1"}:
        parser.error("--database には使い捨ての名前を指定してください。")
    return args


# The database and the server ------------------------------------------------------------------


def environment(args) -> dict[str, str]:
    """What gunicorn and this process (for building the data) run with."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"{args.postgres.rstrip('/')}/{args.database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "AXES_FAILURE_LIMIT": "1000",
        "GUNICORN_BIND": f"{HOST}:{args.port}",
        "GUNICORN_ACCESS_LOG": str(OUTPUT / "load-access.log"),
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(OUTPUT / "media"),
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    return env


def recreate_database(args) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as admin:
        name = sql.Identifier(args.database)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_database(args) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as admin:
        name = sql.Identifier(args.database)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@dataclasses.dataclass
class Chief:
    username: str
    sheet_id: int
    section_id: int
    item_ids: list[int]


def build_city(users: int, password: str) -> list[Chief]:
    """Departments copied from the demo's 市民部 sheet, one chief per section."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from demo.loaders import FIXTURES, sheet_data_from_json
    from departments.models import Department, Role, RoleAssignment, Section
    from departments.permissions import current_fiscal_year
    from goals.models import FiscalYear, GoalItemSection, SheetStatus
    from goals.services import sheet_import
    from reviews.models import AchievementScale, ProgressScale

    year = current_fiscal_year()
    FiscalYear.objects.update_or_create(
        year=year,
        defaults={
            "phase": FiscalYear.Phase.MID_YEAR,
            "mid_year_deadline": datetime.date(year, 11, 30),
            "progress_scale": ProgressScale.objects.get(name="進捗状況（◎○△×）"),
            "achievement_scale": AchievementScale.objects.get(name="国分寺市 達成状況"),
        },
    )
    fiscal_year = FiscalYear.objects.get(year=year)
    raw = json.loads((FIXTURES / "sheets" / "kokubunji_r8_shimin.json").read_text("utf-8"))
    original_sections = list(
        dict.fromkeys(name for item in raw["items"] for name in item.get("sections", []))
    )
    count = math.ceil(users / SECTIONS_PER_DEPARTMENT)
    with transaction.atomic():
        departments = Department.objects.bulk_create(
            Department(
                name=f"負荷試験{n + 1:02d}部",
                head_title=f"負荷試験{n + 1:02d}部長",
                display_order=100 + n,
            )
            for n in range(count)
        )
        sections = Section.objects.bulk_create(
            Section(
                department=departments[index // SECTIONS_PER_DEPARTMENT],
                name=f"第{index % SECTIONS_PER_DEPARTMENT + 1}課",
                chief_title=f"第{index % SECTIONS_PER_DEPARTMENT + 1}課長",
                display_order=index % SECTIONS_PER_DEPARTMENT,
            )
            for index in range(users)
        )
        sheets = {}
        for department in departments:
            own = [section.name for section in sections if section.department_id == department.pk]
            data = sheet_data_from_json(raw)
            data.created_on = datetime.date(year, 4, 1)
            data.revisions = []
            for item in data.items:
                item.sections = [
                    own[original_sections.index(name) % len(own)] for name in item.sections
                ]
            sheets[department.pk] = sheet_import(
                fiscal_year=fiscal_year,
                department=department,
                data=data,
                status=SheetStatus.ACCEPTED,
            )
        hashed = make_password(password)  # one PBKDF2 run, not one per user
        people = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"load_chief_{n + 1:03d}",
                last_name="負荷",
                first_name=f"課長{n + 1}",
                password=hashed,
            )
            for n in range(users)
        )
        RoleAssignment.objects.bulk_create(
            RoleAssignment(
                user=person,
                fiscal_year=year,
                role=Role.SECTION_CHIEF,
                department_id=section.department_id,
                section=section,
                title=section.chief_title,
            )
            for person, section in zip(people, sections, strict=True)
        )
    carried = defaultdict(list)
    for item_id, section_id in GoalItemSection.objects.filter(section__in=sections).values_list(
        "item_id", "section_id"
    ):
        carried[section_id].append(item_id)
    return [
        Chief(
            username=person.username,
            sheet_id=sheets[section.department_id].pk,
            section_id=section.pk,
            item_ids=sorted(carried[section.pk]),
        )
        for person, section in zip(people, sections, strict=True)
    ]


def prepare(args, password: str) -> list[Chief]:
    import django
    from django.core.management import call_command
    from django.db import connections

    recreate_database(args)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", force=True, stdout=io.StringIO())
    chiefs = build_city(args.users, password)
    connections.close_all()
    return chiefs


class Server:
    def __init__(self, args, env: dict[str, str]):
        self.address = (HOST, args.port)
        with socket.socket() as probe:
            if probe.connect_ex(self.address) == 0:
                raise SystemExit(f"{HOST}:{args.port} は使用中です（--port で変えられます）。")
        self.log = (OUTPUT / "load-gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn が終了しました。{self.log.name} を見てください。")
            try:
                connection = http.client.HTTPConnection(*self.address, timeout=5)
                connection.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn が応答しません。")

    def processes(self) -> list[int]:
        """The master and its workers."""
        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (every process, ours and others'), in seconds."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _process_cpu() -> dict[int, tuple[str, int, float]]:
    """Every visible process: pid → (name, parent pid, CPU seconds so far)."""
    ticks = os.sysconf("SC_CLK_TCK")
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        fields = stat.rsplit(")", 1)[1].split()
        processes[int(entry.name)] = (
            name,
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / ticks,
        )
    return processes


class CpuMeter(threading.Thread):
    """CPU used during the window by gunicorn (master and workers) and PostgreSQL, sampled every
    half second so that processes which end meanwhile (a worker recycled after max_requests, a
    connection closed after CONN_MAX_AGE) still count up to their last sample."""

    def __init__(self, gunicorn_pid: int):
        super().__init__(daemon=True)
        self.gunicorn_pid = gunicorn_pid
        self.baseline: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.finished = threading.Event()
        self.client_start = time.process_time()
        self.machine_start = machine_busy_seconds()
        self.client = self.machine = 0.0
        self._sample(first=True)

    def _group(self, pid: int, name: str, parent: int) -> str | None:
        if self.gunicorn_pid in (pid, parent):
            return "gunicorn"
        if name.startswith("postgres"):
            return "PostgreSQL"
        return None

    def _sample(self, first: bool = False) -> None:
        for pid, (name, parent, seconds) in _process_cpu().items():
            group = self._group(pid, name, parent)
            if group is None:
                continue
            if first:
                self.baseline[pid] = seconds
            self.last[pid] = (group, seconds)

    def run(self):
        while not self.finished.wait(0.5):
            self._sample()

    def stop(self) -> dict[str, float]:
        self.finished.set()
        self.join()
        self._sample()
        used = defaultdict(float)
        for pid, (group, seconds) in self.last.items():
            used[group] += seconds - self.baseline.get(pid, 0.0)
        used["負荷をかける側"] = time.process_time() - self.client_start
        used["マシン全体"] = machine_busy_seconds() - self.machine_start
        return dict(used)


# One simulated chief ------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
MARKS = re.compile(r'name="progress_mark" value="(\d+)"')
SAVED = "下書きを保存しました。"


@dataclasses.dataclass
class Sample:
    kind: str
    started: float
    seconds: float


@dataclasses.dataclass
class Failure:
    kind: str
    what: str


class RequestFailed(Exception):
    pass


class Browser:
    """One chief's browser: a keep-alive connection, cookies, the headers a browser sends
    behind the city's TLS proxy."""

    def __init__(self, address, samples: list, failures: list, keep_alive: bool):
        self.address = address
        self.keep_alive = keep_alive
        self.origin = f"https://{address[0]}:{address[1]}"
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.samples = samples
        self.failures = failures
        self.retries = 0

    def _connect(self):
        self.connection = http.client.HTTPConnection(*self.address, timeout=REQUEST_TIMEOUT)

    def _send(self, method, path, body, headers):
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response, response.read()

    def request(self, kind: str, method: str, path: str, form=None, headers=None) -> tuple:
        """(status, headers, text); records the latency, and a failure for anything else than
        2xx/3xx, a timeout or a lost connection (then raises RequestFailed)."""
        all_headers = {
            "X-Forwarded-Proto": "https",
            "Connection": "keep-alive" if self.keep_alive else "close",
            "Accept-Language": "ja",
            "Referer": self.origin + path,
            **(headers or {}),
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["Origin"] = self.origin
        started = time.monotonic()
        try:
            reused = self.connection is not None
            if not reused:
                self._connect()
            try:
                response, content = self._send(method, path, body, all_headers)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if not reused:
                    raise
                # The server closed an idle keep-alive connection: a browser sends again on a
                # new one, as here (the request never reached the application).
                self.retries += 1
                self.connection.close()
                self._connect()
                response, content = self._send(method, path, body, all_headers)
        except (OSError, http.client.HTTPException) as error:
            elapsed = time.monotonic() - started
            self.samples.append(Sample(kind, started, elapsed))
            self.failures.append(Failure(kind, f"{type(error).__name__}: {error}"))
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            raise RequestFailed from error
        elapsed = time.monotonic() - started
        self.samples.append(Sample(kind, started, elapsed))
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close or not self.keep_alive:
            self.connection.close()
            self.connection = None
        text = content.decode("utf-8", "replace")
        if not 200 <= response.status < 400:
            self.failures.append(Failure(kind, f"HTTP {response.status} {path}"))
            raise RequestFailed
        return response.status, response.headers, text


@dataclasses.dataclass
class SaveRecord:
    """Per review: the last text the server acknowledged, and texts sent afterwards whose
    outcome is unknown (the request failed without an answer)."""

    acknowledged: str | None = None
    unknown: list[str] = dataclasses.field(default_factory=list)
    saves: int = 0


class ChiefSession(threading.Thread):
    def __init__(self, chief: Chief, *, password, address, think, start_gate, seed, keep_alive):
        super().__init__(daemon=True)
        self.chief = chief
        self.password = password
        self.think_range = think
        self.start_gate = start_gate
        self.random = random.Random(seed)
        self.samples: list[Sample] = []
        self.failures: list[Failure] = []
        self.browser = Browser(address, self.samples, self.failures, keep_alive)
        self.saves: dict[int, SaveRecord] = defaultdict(SaveRecord)
        self.logged_in = False
        self.deadline = math.inf

    def think(self):
        time.sleep(self.random.uniform(*self.think_range))

    def login(self):
        _, _, page = self.browser.request("login_form", "GET", "/login/")
        token = TOKEN.search(page).group(1)
        form = {
            "csrfmiddlewaretoken": token,
            "username": self.chief.username,
            "password": self.password,
        }
        status, headers, _ = self.browser.request("login", "POST", "/login/", form)
        if status != 302 or "sessionid" not in self.browser.cookies:
            self.failures.append(Failure("login", f"ログインできませんでした（HTTP {status}）"))
            raise RequestFailed
        self.browser.request("home", "GET", headers["Location"])
        self.logged_in = True

    def run(self):
        time.sleep(self.random.uniform(0, 2))  # people do not press the button at once
        try:
            self.login()
        except RequestFailed:
            pass
        except Exception as error:  # a bug in this script: reported, not hidden
            self.failures.append(Failure("login", f"{type(error).__name__}: {error}"))
        try:
            self.start_gate.wait()
        except threading.BrokenBarrierError:
            return
        if not self.logged_in:
            return
        round_number = 0
        while time.monotonic() < self.deadline:
            try:
                self.one_round(round_number)
            except RequestFailed:
                self.think()
            except Exception as error:
                self.failures.append(Failure("script", f"{type(error).__name__}: {error}"))
                return
            round_number += 1

    def one_round(self, round_number: int):
        chief = self.chief
        steps = [
            lambda: self.browser.request("sheet", "GET", f"/sheets/{chief.sheet_id}/"),
            lambda: self.browser.request("my_reviews", "GET", "/reviews/"),
        ]
        for step in steps:
            if time.monotonic() >= self.deadline:
                return
            step()
            self.think()
        item_id = chief.item_ids[round_number % len(chief.item_ids)]
        path = f"/reviews/items/{item_id}/mid_year/sections/{chief.section_id}/"
        if time.monotonic() >= self.deadline:
            return
        _, _, page = self.browser.request("review_form", "GET", path)
        version = VERSION.search(page).group(1)
        token = TOKEN.search(page).group(1)
        marks = MARKS.findall(page)
        self.think()
        if time.monotonic() >= self.deadline:
            return
        text = (
            f"・{chief.username} の{round_number + 1}回目の保存です。"
            f"窓口の待ち時間を毎月計測し、目標値との差を検証しました（{secrets.token_hex(4)}）。"
        )
        form = {
            "csrfmiddlewaretoken": token,
            "version": version,
            "progress_mark": self.random.choice(marks),
            "first_half_status": text,
            "second_half_plan": "・下半期は委託事業者と手順を見直し、待ち時間を15分以内にします。",
            "action": "save",
        }
        record = self.saves[item_id]
        record.saves += 1
        htmx = {"HX-Request": "true", "HX-Current-URL": self.browser.origin + path}
        try:
            status, _, answer = self.browser.request("review_save", "POST", path, form, htmx)
        except RequestFailed:
            record.unknown.append(text)
            raise
        if status == 200 and SAVED in answer:
            record.acknowledged, record.unknown = text, []
        else:
            reason = "ほかの人が保存" if "ほかの人" in answer else "保存の応答がありません"
            self.failures.append(Failure("review_save", f"保存されませんでした（{reason}）"))
        self.think()


# Figures ------------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _width(text: str) -> int:
    """Columns on a terminal: full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cells(*cells: str) -> str:
    """The first cell padded to the left, the others to the right."""
    first, *rest = cells
    widths = [10] * len(rest)
    return (
        first
        + " " * max(0, 22 - _width(first))
        + "".join(
            " " * max(0, width - _width(cell)) + cell
            for cell, width in zip(rest, widths, strict=True)
        )
    )


HEADER = _cells("種類", "件数", "p50", "p95", "最大", "エラー")


def latency_row(label: str, values: list[float], errors: int) -> str:
    if not values:
        return _cells(label, "0", "-", "-", "-", str(errors))
    ms = [value * 1000 for value in values]
    return _cells(
        label,
        str(len(ms)),
        f"{percentile(ms, 0.5):.0f}ms",
        f"{percentile(ms, 0.95):.0f}ms",
        f"{max(ms):.0f}ms",
        str(errors),
    )


def verify_saves(sessions: list[ChiefSession]) -> tuple[int, int, int, list[str]]:
    """(acknowledged saves, reviews checked, uncertain, lost) from the database."""
    import django

    django.setup()
    from reviews.models import Review, Stage

    acknowledged = checked = uncertain = 0
    lost = []
    for session in sessions:
        held = dict(
            Review.objects.filter(
                item_id__in=list(session.saves),
                section_id=session.chief.section_id,
                stage=Stage.MID_YEAR,
            ).values_list("item_id", "first_half_status")
        )
        for item_id, record in session.saves.items():
            acknowledged += record.saves - len(record.unknown)
            if record.acknowledged is None and not record.unknown:
                continue
            checked += 1
            value = held.get(item_id)
            if value == record.acknowledged:
                continue
            if value in record.unknown:
                uncertain += 1  # a save that failed on the wire went through after all
                continue
            lost.append(
                f"{session.chief.username} 項目{item_id}: 受理 {record.acknowledged!r}, "
                f"データベース {value!r}"
            )
    return acknowledged, checked, uncertain, lost


def report(args, sessions, window, cpu: dict[str, float], workers) -> bool:
    samples = [sample for session in sessions for sample in session.samples]
    failures = [failure for session in sessions for failure in session.failures]
    start, end = window
    in_window = [sample for sample in samples if sample.kind in LOOP_KINDS]
    logins = [sample for sample in samples if sample.kind not in LOOP_KINDS]
    errors = defaultdict(int)
    for failure in failures:
        errors[failure.kind] += 1
    seconds = end - start

    print(
        f"\n負荷試験: 課長 {args.users}人, 計測 {seconds:.1f}秒, 考える時間 "
        f"{args.think[0]}〜{args.think[1]}秒, gunicorn {workers}, "
        f"{'keep-alive' if args.keep_alive else 'リクエストごとに接続'}, CPU {os.cpu_count()}コア"
    )
    print("\nログイン（計測区間の前。PBKDF2 のパスワード検査を含む）")
    print(HEADER)
    for kind in ["login_form", "login", "home"]:
        values = [sample.seconds for sample in logins if sample.kind == kind]
        print(latency_row(KINDS[kind], values, errors[kind]))
    print(f"\n計測区間（全員がログインした後の {seconds:.1f}秒）")
    print(HEADER)
    for kind in LOOP_KINDS:
        values = [sample.seconds for sample in in_window if sample.kind == kind]
        print(latency_row(KINDS[kind], values, errors[kind]))
    window_errors = sum(errors[kind] for kind in LOOP_KINDS) + errors["script"]
    print(latency_row("全体", [sample.seconds for sample in in_window], window_errors))
    rate = len(in_window) / seconds if seconds else 0
    print(f"\n処理量: {rate:.1f} リクエスト/秒（{len(in_window)}件）")
    order = ["gunicorn", "PostgreSQL", "負荷をかける側", "マシン全体"]
    used = [f"{name} {cpu[name] / seconds:.2f}" for name in order if name in cpu]
    print(f"CPU（計測区間、コア数）: {', '.join(used)}")
    retries = sum(session.browser.retries for session in sessions)
    if retries:
        print(f"切れていた keep-alive 接続に送り直した回数: {retries}")
    if failures:
        print(f"\nエラー {len(failures)}件（最初の10種類）:")
        kinds = defaultdict(int)
        for failure in failures:
            kinds[(failure.kind, failure.what)] += 1
        for (kind, what), count in list(kinds.items())[:10]:
            print(f"  {KINDS.get(kind, kind)}: {what} × {count}")

    acknowledged, checked, uncertain, lost = verify_saves(sessions)
    print(
        f"\n保存の確認: 受理された保存 {acknowledged}件、確認 {checked}件を照合 → "
        f"失われた保存 {len(lost)}件"
        + (f"（応答のなかった保存が反映されていたもの {uncertain}件）" if uncertain else "")
    )
    for line in lost[:10]:
        print(f"  {line}")

    p95 = percentile([sample.seconds for sample in in_window], 0.95) * 1000 if in_window else 0
    passed = not failures and not lost and bool(in_window) and p95 < TARGET_P95_MS
    verdict = "達成" if passed else "未達"
    print(
        f"\n目標（エラー0、失われた保存0、全体の p95 {TARGET_P95_MS}ms 未満）: {verdict}"
        f"（p95 {p95:.0f}ms）"
    )
    return passed


# Main -------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = environment(args)
    # This process builds the data and checks the saves with the same settings as the server.
    os.environ.update(env)
    os.environ.pop("DEBUG", None)
    password = secrets.token_urlsafe(16)

    started = time.monotonic()
    print(f"データベース {args.database} を作り、デモデータと課長 {args.users}人を用意しています…")
    chiefs = prepare(args, password)
    print(f"  {time.monotonic() - started:.1f}秒")

    server = Server(args, env)
    try:
        server.wait_until_serving()
        worker_count = len(server.processes()) - 1
        from config import gunicorn as gunicorn_config  # the same environment as the server

        threads = gunicorn_config.threads
        workers = f"ワーカー{worker_count}×スレッド{threads}"
        print(f"gunicorn（{workers}）が http://{HOST}:{args.port}/ で起動しました。")

        gate = threading.Barrier(len(chiefs) + 1)
        sessions = [
            ChiefSession(
                chief,
                password=password,
                address=(HOST, args.port),
                think=tuple(args.think),
                start_gate=gate,
                seed=args.seed * 1000 + index,
                keep_alive=args.keep_alive,
            )
            for index, chief in enumerate(chiefs)
        ]
        for session in sessions:
            session.start()
        gate.wait(timeout=LOGIN_TIMEOUT)  # everyone has logged in (or failed to)
        start = time.monotonic()
        meter = CpuMeter(server.process.pid)
        meter.start()
        print(f"全員がログインしました。{args.seconds:.0f}秒間、負荷をかけています…")
        for session in sessions:
            session.deadline = start + args.seconds
        for session in sessions:
            session.join(args.seconds + REQUEST_TIMEOUT * 4 + 10)
        end = max(
            [start]
            + [
                sample.started + sample.seconds
                for session in sessions
                for sample in session.samples
                if sample.kind in LOOP_KINDS
            ]
        )
        cpu = meter.stop()
    finally:
        server.stop()
    passed = report(args, sessions, (start, end), cpu, workers)
    from django.db import connections

    connections.close_all()
    if not args.keep:
        drop_database(args)
    print(f"gunicorn のログ: {OUTPUT / 'load-gunicorn.log'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
