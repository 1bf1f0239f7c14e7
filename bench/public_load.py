"""Load test of the public site (/public/): N anonymous readers at once, against gunicorn with the
production settings and PostgreSQL, on loopback.

1. Creates a fresh PostgreSQL database (`--database`, default `public_bench`, dropped first when
   it exists), migrates it, collects the static files and loads the demo data (`load_demo
   --force`, which publishes 令和8年度 市民部 and 令和7年度 福祉部's results). Then adds
   `--departments` copies of the demo's 市民部 sheet (25 items, accepted) in 令和8年度 and publishes
   them all with the service (PDFs rendered for real), so that the year page lists a city.
2. Starts gunicorn (`config/gunicorn.py`, `config.settings.production`) on 127.0.0.1:8106 as
   bench/load.py does, and stops it at the end.
3. N reader threads loop for `--seconds`, one request at a time each, with a think time drawn
   uniformly from `--think` (default 0.5–2.0 s: quicker than anyone reads a sheet). A round is
   the index, a year, a department's sheet and, now and then, a search (words typed full- or
   half-width), the CSV or JSON, a department's PDF or the feed. A reader is a browser: it sends
   back the ETag it got for a page (If-None-Match) and the server may answer 304. One connection
   per request (as nginx's upstream), `X-Forwarded-Proto: https` as behind the city's TLS proxy.
   The first `--warmup` seconds (default 10) are not measured: each gunicorn worker keeps its
   own cache (Django's local-memory cache) and renders a page once before it answers from it.
4. Prints, per kind of request and overall: count, p50, p95, max and errors (anything but
   200/304, timeouts, connection errors), the share of 304s, requests per second and the CPU
   gunicorn, PostgreSQL and the load generator used. Target: p95 < 100 ms and no error (exit 0).

    .venv/bin/python bench/public_load.py              # 200 readers, 30 s
    .venv/bin/python bench/public_load.py --quick      # smoke run: 20 readers, 10 s
"""

import argparse
import http.client
import io
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402 - after the path is set
    HEADER,
    HOST,
    OUTPUT,
    CpuMeter,
    Failure,
    Sample,
    Server,
    drop_database,
    environment,
    latency_row,
    percentile,
    recreate_database,
)

TARGET_P95_MS = 100
REQUEST_TIMEOUT = 30
KINDS = {
    "index": "年度の一覧",
    "year": "年度のページ",
    "sheet": "部の整理表",
    "search": "検索",
    "data": "CSV・JSON",
    "pdf": "部の PDF",
    "feed": "Atom フィード",
}
SEARCH_WORDS = ["窓口", "ＤＸ", "dx", "マイナンバー", "ﾏｲﾅﾝﾊﾞｰ", "年度末", "市民 サービス"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=200, help="concurrent anonymous readers")
    parser.add_argument("--seconds", type=float, default=30, help="length of the measured window")
    parser.add_argument("--departments", type=int, default=10, help="published copies of 市民部")
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="seconds of reading before the measured window (each gunicorn worker fills its cache)",
    )
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"))
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: config/gunicorn)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: config)")
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--database", default="public_bench", help="created afresh, then dropped")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 readers for 10 s")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.readers, args.seconds, args.departments, args.warmup = 20, 10, 2, 3
    if args.database in {"postgres", "template0", "template1"}:
        parser.error("--database には使い捨ての名前を指定してください。")
    return args


def build_public_site(departments: int) -> dict:
    """Copies of the demo's 市民部 sheet, accepted and published; returns the URLs to read."""
    import datetime
    import json

    from django.urls import reverse

    from demo.loaders import FIXTURES, sheet_data_from_json
    from departments.models import Department
    from goals.models import FiscalYear, SheetStatus
    from goals.services import sheet_import
    from publication.models import Publication
    from publication.services import publication_publish

    raw = json.loads((FIXTURES / "sheets" / "kokubunji_r8_shimin.json").read_text("utf-8"))
    fiscal_year = FiscalYear.objects.get(year=raw["fiscal_year"])
    shimin = Department.objects.get(name=raw["department"])
    copies = []
    for n in range(departments):
        department = Department.objects.create(
            name=f"公表試験{n + 1:02d}部", head_title="部長", display_order=200 + n
        )
        for section in shimin.sections.all():
            department.sections.create(name=section.name, display_order=section.display_order)
        data = sheet_data_from_json(raw)
        data.created_on = datetime.date(fiscal_year.year, 4, 1)
        sheet_import(
            fiscal_year=fiscal_year, department=department, data=data, status=SheetStatus.ACCEPTED
        )
        copies.append(department)
    if copies:
        publication_publish(fiscal_year=fiscal_year, kind="goals", departments=copies, user=None)
    current = Publication.objects.filter(withdrawn_at__isnull=True)
    sheets = [
        reverse("public:department", args=[p.fiscal_year.year, p.kind, p.department_id])
        for p in current.select_related("fiscal_year")
    ]
    years = sorted({p.fiscal_year.year for p in current.select_related("fiscal_year")})
    kinds = sorted({(p.fiscal_year.year, p.kind) for p in current.select_related("fiscal_year")})
    return {
        "index": [reverse("public:index")],
        "year": [reverse("public:year", args=[year]) for year in years],
        "sheet": sheets,
        "pdf": [f"{url}pdf/" for url in sheets],
        "data": [
            reverse(name, args=kind) for kind in kinds for name in ("public:csv", "public:json")
        ],
        "feed": [reverse("public:feed")],
        "search": [
            f"{reverse('public:search')}?q={urllib.parse.quote(word)}" for word in SEARCH_WORDS
        ],
    }


def prepare(args) -> dict:
    import django
    from django.core.management import call_command
    from django.db import connections

    recreate_database(args)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", force=True, stdout=io.StringIO())
    urls = build_public_site(args.departments)
    connections.close_all()
    return urls


class PublicServer(Server):
    """bench/load.py's gunicorn, logging to its own file."""

    def __init__(self, args, env: dict[str, str]):
        self.address = (HOST, args.port)
        self.log = (OUTPUT / "public-gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )


class Reader(threading.Thread):
    def __init__(self, *, address, urls, think, seed, start_gate):
        super().__init__(daemon=True)
        self.address = address
        self.urls = urls
        self.think = think
        self.random = random.Random(seed)
        self.start_gate = start_gate
        self.deadline = None
        self.samples: list[Sample] = []
        self.failures: list[Failure] = []
        self.statuses: Counter = Counter()
        self.etags: dict[str, str] = {}

    def get(self, kind: str, path: str) -> None:
        headers = {"X-Forwarded-Proto": "https", "Connection": "close", "Accept-Language": "ja"}
        if path in self.etags:
            headers["If-None-Match"] = self.etags[path]
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(*self.address, timeout=REQUEST_TIMEOUT)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            self.samples.append(Sample(kind, started, time.monotonic() - started))
            self.failures.append(Failure(kind, f"{type(error).__name__}: {error}"))
            return
        self.samples.append(Sample(kind, started, time.monotonic() - started))
        self.statuses[response.status] += 1
        if response.status not in (200, 304):
            self.failures.append(Failure(kind, f"HTTP {response.status} {path}"))
            return
        if etag := response.headers.get("ETag"):
            self.etags[path] = etag

    def pause(self) -> None:
        time.sleep(self.random.uniform(*self.think))

    def one_round(self) -> None:
        pick = self.random.choice
        steps = [("index", pick(self.urls["index"])), ("year", pick(self.urls["year"]))]
        steps.append(("sheet", pick(self.urls["sheet"])))
        roll = self.random.random()
        if roll < 0.25:
            steps.append(("search", pick(self.urls["search"])))
        elif roll < 0.35:
            steps.append(("data", pick(self.urls["data"])))
        elif roll < 0.40:
            steps.append(("pdf", pick(self.urls["pdf"])))
        elif roll < 0.45:
            steps.append(("feed", pick(self.urls["feed"])))
        else:
            steps.append(("sheet", pick(self.urls["sheet"])))
        for kind, path in steps:
            if time.monotonic() >= self.deadline:
                return
            self.get(kind, path)
            self.pause()

    def run(self):
        self.start_gate.wait()
        # Readers arrive spread over the first think time, not all in the same millisecond.
        time.sleep(self.random.uniform(0, self.think[1]))
        while time.monotonic() < self.deadline:
            self.one_round()


def report(args, readers, window, cpu, workers) -> bool:
    samples = [s for r in readers for s in r.samples if window[0] <= s.started <= window[1]]
    failures = [f for r in readers for f in r.failures]  # warm-up included
    statuses = sum((r.statuses for r in readers), Counter())
    seconds = window[1] - window[0]
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample.seconds)
    errors = Counter(f.kind for f in failures)
    print()
    print(
        f"公開ページの負荷試験: 読者{args.readers}人 × {seconds:.0f}秒, 考える時間 "
        f"{args.think[0]}〜{args.think[1]}秒, gunicorn {workers}, 公表した部 {args.departments + 2}"
    )
    print(HEADER)
    for kind, label in KINDS.items():
        print(latency_row(label, by_kind.get(kind, []), errors.get(kind, 0)))
    everything = [s.seconds for s in samples]
    print(latency_row("全体", everything, len(failures)))
    total = sum(statuses.values()) or 1
    print(
        f"処理量 {len(samples) / seconds:.1f}件/秒、応答 200: {statuses[200]}件、"
        f"304: {statuses[304]}件（{100 * statuses[304] / total:.0f}%）"
    )
    print("CPU（秒あたりのコア数）: " + "、".join(f"{k} {v / seconds:.2f}" for k, v in cpu.items()))
    for failure in failures[:10]:
        print(f"  エラー: {KINDS.get(failure.kind, failure.kind)} {failure.what}")
    p95 = percentile(everything, 0.95) * 1000 if everything else float("inf")
    passed = not failures and p95 < TARGET_P95_MS
    verdict = "目標を満たしました" if passed else "目標を満たしませんでした"
    print(f"{verdict}（p95 {p95:.0f}ms < {TARGET_P95_MS}ms、エラー {len(failures)}件 = 0）")
    return passed


def main() -> int:
    args = parse_args()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = environment(args)
    env["GUNICORN_ACCESS_LOG"] = str(OUTPUT / "public-access.log")
    os.environ.update(env)
    os.environ.pop("DEBUG", None)
    started = time.monotonic()
    print(f"データベース {args.database} を作り、デモデータと公表する{args.departments}部を用意…")
    urls = prepare(args)
    print(f"  {time.monotonic() - started:.1f}秒、読む URL {sum(len(v) for v in urls.values())}件")
    server = PublicServer(args, env)
    try:
        server.wait_until_serving()
        from config import gunicorn as gunicorn_config

        workers = f"ワーカー{len(server.processes()) - 1}×スレッド{gunicorn_config.threads}"
        print(f"gunicorn（{workers}）が http://{HOST}:{args.port}/ で起動しました。")
        gate = threading.Barrier(args.readers + 1)
        readers = [
            Reader(
                address=(HOST, args.port),
                urls=urls,
                think=tuple(args.think),
                seed=args.seed * 1000 + n,
                start_gate=gate,
            )
            for n in range(args.readers)
        ]
        began = time.monotonic()
        start = began + args.warmup
        for reader in readers:
            reader.deadline = start + args.seconds
            reader.start()
        gate.wait()
        print(
            f"{args.warmup:.0f}秒の慣らしの後、{args.seconds:.0f}秒間、{args.readers}人で読んでいます…"
        )
        time.sleep(max(0.0, start - time.monotonic()))
        meter = CpuMeter(server.process.pid)
        meter.start()
        for reader in readers:
            reader.join(args.seconds + REQUEST_TIMEOUT + 10)
        cpu = meter.stop()
        end = start + args.seconds
    finally:
        server.stop()
    passed = report(args, readers, (start, end), cpu, workers)
    from django.db import connections

    connections.close_all()
    if not args.keep:
        drop_database(args)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
