"""Every URL × every role: the answer each persona gets (200 / 302 to login / 403 / 404 / 405).

A URL without an entry here fails `test_every_url_has_an_entry`: adding a view means deciding, in
this table, who may open it. Objects are those of the `org` fixture: department A's draft sheet
and item (A = 市民部 with 市民課 and 経済課), department B = 福祉部.

Each case also counts the database queries of its request and compares them with the baseline
in `tests/url_matrix_queries.json` ({"url_name persona": count}); a case that needs more queries
than its baseline fails. After a change that adds queries on purpose (or removes some), rewrite
the baseline and commit it with the change:

    UPDATE_QUERY_BASELINE=1 .venv/bin/python -m pytest tests/test_url_matrix.py -p no:cacheprovider

(works with or without `-n`: the workers update the file one at a time, under a lock). SAVEPOINT
and RELEASE statements are not counted, so the figures are the same on SQLite and PostgreSQL.

A POST that is refused (403, 404, or the login page for an anonymous user) must not change the
database: a fingerprint of the sheets, items, carriers, signers, reviews, snapshots, change log
and print jobs is taken before and after it.
"""

import fcntl
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Count, Max, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from goals.models import (
    ChangeLog,
    CityPdfJob,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetSigner,
    SheetSnapshot,
)
from goals.services import sheet_accept, sheet_submit
from notifications.models import Delivery
from reviews.models import Review, ReviewStatus
from tests import factories
from tests.conftest import PERSONAS
from tests.publication import helpers as publication_helpers

LOGIN = "login"  # anonymous users are sent to the login page


@dataclass
class Entry:
    args: Callable = lambda org: []
    query: Callable = lambda org: ""
    method: str = "get"
    data: Callable = lambda org: {}
    expect: dict = field(default_factory=dict)
    htmx: bool = False
    setup: Callable = lambda org: None  # puts the objects in the state the URL needs


def everyone(status) -> dict:
    return {persona: status for persona in PERSONAS if persona != "anonymous"} | {
        "anonymous": LOGIN
    }


def department_a(*, reader, writer=None, planner=None, admin=None) -> dict:
    """Department A's object: its readers get `reader`, its head `writer`; B's people 404."""
    writer = reader if writer is None else writer
    return {
        "anonymous": LOGIN,
        "planner": reader if planner is None else planner,
        "head_a": writer,
        "head_b": 404,
        "chief_a": reader,
        "chief_a2": reader,
        "chief_b": 404,
        "admin": writer if admin is None else admin,
    }


def sheet_edit(status) -> dict:
    """Editing A's sheet: its head (and an admin); readers 403; department B 404."""
    return department_a(reader=403, writer=status)


def sheet_workflow(status) -> dict:
    """Accepting or returning A's sheet: planning staff (and an admin); the head 403."""
    return department_a(reader=403, writer=403, planner=status, admin=status)


def submitted(org):

    with_signer(org)
    org.sheet_a = sheet_submit(sheet=org.sheet_a, version=org.sheet_a.version, user=org.head_a)


def accepted(org):

    submitted(org)
    sheet_accept(sheet=org.sheet_a, version=org.sheet_a.version, user=org.planner)
    org.sheet_a.refresh_from_db()


def with_signer(org):

    org.signer = SheetSigner.objects.create(sheet=org.sheet_a, title="市民部長", name="市民 太郎")


def mid_year(org):
    org.fiscal_year.phase = "mid_year"
    org.fiscal_year.save()


def submitted_review(org):
    """市民課's mid-year review of item A, submitted and waiting for the head."""

    mid_year(org)
    mark = org.fiscal_year.progress_scale.marks.first()
    org.review = Review.objects.create(
        item=org.item_a,
        section=org.section_a1,
        stage="mid_year",
        status=ReviewStatus.SUBMITTED,
        progress_mark=mark,
        first_half_status="上半期の状況",
        second_half_plan="下半期の予定",
    )


def common_item(org):

    org.common_item = factories.GoalItemFactory(sheet=org.sheet_a, position=5, is_common=True)


def planning_only(status) -> dict:
    """Planning staff's pages (dashboard, search, years): 403 for everyone else."""
    return dict.fromkeys(PERSONAS, 403) | {"anonymous": LOGIN, "planner": status, "admin": status}


def section_a1_review(*, writer, head, reader, other_section=404) -> dict:
    """The review of item A by 市民課: its chief writes, the head and planning read."""
    return {
        "anonymous": LOGIN,
        "planner": reader,
        "head_a": head,
        "head_b": 404,
        "chief_a": writer,
        "chief_a2": other_section,
        "chief_b": 404,
        "admin": writer,
    }


def city_job(org, *, done=False):

    org.job = CityPdfJob.objects.create(fiscal_year=org.fiscal_year, kind="plan")
    if done:
        org.job.status = CityPdfJob.Status.DONE
        org.job.file.save("city.pdf", ContentFile(b"%PDF-1.7 test"), save=True)


def undelivered_mail(org):
    org.delivery = Delivery.objects.create(
        recipient=org.head_a,
        to_address="head_a@city.example.jp",
        event="sheet_returned",
        subject="件名",
        body_text="本文",
        status=Delivery.Status.FAILED,
        attempts=4,
        last_error="SMTPServerDisconnected",
    )


def published(org):
    """A's sheet accepted and published, with its year-end results (a confirmed review)."""
    accepted(org)
    level = org.fiscal_year.achievement_scale.levels.first()
    publication_helpers.confirm_year_end(org.item_a, org.section_a1, level)
    publication_helpers.publish(org, "goals", departments=[org.dept_a])
    org.publication = publication_helpers.publish(
        org, "results", departments=[org.dept_a]
    ).published[0]


def public(status=200) -> dict:
    """The public site: everyone, signed in or not."""
    return dict.fromkeys(PERSONAS, status)


YEAR_GOALS = lambda org: [org.fiscal_year.year, "goals"]  # noqa: E731
SHEET = lambda org: [org.sheet_a.pk]  # noqa: E731
ITEM = lambda org: [org.sheet_a.pk, org.item_a.pk]  # noqa: E731
SIGNER = lambda org: [org.sheet_a.pk, org.signer.pk]  # noqa: E731


MATRIX: dict[str, Entry] = {
    "home": Entry(expect=everyone(200)),
    # A signed-in user opening the login page is sent on to the home page.
    "login": Entry(expect=dict.fromkeys(PERSONAS, 302) | {"anonymous": 200}),
    "favicon": Entry(expect=dict.fromkeys(PERSONAS, 301)),
    "logout": Entry(method="post", expect=dict.fromkeys(PERSONAS, 302)),
    # The in-page sign-in after an expired session: open to all, an empty form is refused in place.
    "session_resume": Entry(method="post", expect=dict.fromkeys(PERSONAS, 200)),
    # One's own password (accounts): changing it needs a login; the reset pages do not.
    "password_change": Entry(expect=everyone(200)),
    "password_change_done": Entry(expect=everyone(200)),
    "password_reset": Entry(expect=dict.fromkeys(PERSONAS, 200)),
    "password_reset_done": Entry(expect=dict.fromkeys(PERSONAS, 200)),
    # A link that is not valid (any more) answers its own page, not an error.
    "password_reset_confirm": Entry(
        lambda org: ["MQ", "bad-token"], expect=dict.fromkeys(PERSONAS, 200)
    ),
    "password_reset_complete": Entry(expect=dict.fromkeys(PERSONAS, 200)),
    # Staff accounts (accounts): planning staff and administrators.
    "accounts:list": Entry(expect=planning_only(200)),
    "accounts:create": Entry(expect=planning_only(200)),
    "accounts:send_password_link": Entry(
        lambda org: [org.chief_a.pk], method="post", expect=planning_only(302)
    ),
    # The sheet editor (goals). Writes answer a redirect (302) to a full-page request.
    "goals:sheet_create": Entry(
        query=lambda org: f"?department={org.dept_a.pk}&year={org.fiscal_year.year}",
        expect=sheet_edit(302),  # the sheet exists already: the head is taken to it
    ),
    "goals:sheet_detail": Entry(SHEET, expect=department_a(reader=200)),
    "goals:sheet_header": Entry(SHEET, htmx=True, expect=department_a(reader=200)),
    "goals:sheet_header_edit": Entry(SHEET, expect=sheet_edit(200)),
    "goals:signer_add": Entry(SHEET, expect=sheet_edit(200)),
    "goals:signer_edit": Entry(SIGNER, setup=with_signer, expect=sheet_edit(200)),
    "goals:signer_remove": Entry(SIGNER, setup=with_signer, expect=sheet_edit(200)),
    "goals:signer_move": Entry(
        SIGNER,
        method="post",
        data=lambda org: {"direction": "up"},
        setup=with_signer,
        expect=sheet_edit(302),
    ),
    "goals:item_create": Entry(SHEET, expect=sheet_edit(200)),
    "goals:items_renumber": Entry(SHEET, method="post", expect=sheet_edit(302)),
    "goals:item_row": Entry(ITEM, htmx=True, expect=department_a(reader=200)),
    "goals:item_edit": Entry(ITEM, expect=sheet_edit(200)),
    "goals:item_delete": Entry(ITEM, expect=sheet_edit(200)),
    "goals:item_move": Entry(
        ITEM, method="post", data=lambda org: {"direction": "down"}, expect=sheet_edit(302)
    ),
    "goals:sheet_submit": Entry(
        SHEET,
        method="post",
        data=lambda org: {"version": org.sheet_a.version},
        expect=sheet_edit(302),
    ),
    "goals:sheet_return": Entry(SHEET, setup=submitted, expect=sheet_workflow(200)),
    "goals:sheet_accept": Entry(
        SHEET,
        method="post",
        setup=submitted,
        data=lambda org: {"version": org.sheet_a.version},
        expect=sheet_workflow(302),
    ),
    "goals:sheet_revise": Entry(
        SHEET,
        method="post",
        setup=accepted,
        data=lambda org: {"version": org.sheet_a.version},
        expect=sheet_edit(302),
    ),
    "goals:sheet_history": Entry(SHEET, expect=department_a(reader=200)),
    # Excel: the sheet as .xlsx, and the import (upload → preview → confirm).
    "excel:sheet_xlsx": Entry(SHEET, expect=department_a(reader=200)),
    "excel:import_upload": Entry(
        query=lambda org: f"?sheet={org.sheet_a.pk}",
        # Only heads and planning staff import at all (chiefs 403); another head 404 on A's sheet.
        expect=department_a(reader=403, writer=200, planner=200) | {"chief_b": 403},
    ),
    "excel:import_preview": Entry(
        method="post",
        data=lambda org: {"department": org.dept_a.pk, "fiscal_year": org.fiscal_year.pk},
        # No file chosen: the form comes back with its message (422).
        expect=department_a(reader=403, writer=422, planner=422) | {"chief_b": 403},
    ),
    "excel:import_confirm": Entry(
        method="post",
        data=lambda org: {"payload": "forged"},
        # A payload that was not signed by our preview is refused before anything is read.
        expect=department_a(reader=403, writer=400, planner=400) | {"chief_b": 403, "head_b": 400},
    ),
    # Reviews (中間確認・年度末確認): filed by the section, confirmed by the head.
    "reviews:my_reviews": Entry(expect=everyone(200)),
    "reviews:review_edit": Entry(
        lambda org: [org.item_a.pk, "mid_year", org.section_a1.pk],
        setup=mid_year,
        expect=section_a1_review(writer=200, head=200, reader=200),
    ),
    "reviews:review_reopen": Entry(
        lambda org: [org.item_a.pk, "mid_year", org.section_a1.pk],
        method="post",
        setup=mid_year,
        expect=section_a1_review(writer=403, head=403, reader=302) | {"admin": 302},
    ),
    "reviews:common_reviewer": Entry(
        lambda org: [org.common_item.pk],
        method="post",
        setup=common_item,
        data=lambda org: {"section": org.section_a1.pk},
        expect=sheet_edit(302),
    ),
    "reviews:review_confirm": Entry(
        lambda org: [org.review.pk],
        method="post",
        setup=submitted_review,
        data=lambda org: {"version": org.review.version},
        expect=section_a1_review(writer=403, head=302, reader=403) | {"admin": 302},
    ),
    "reviews:review_return": Entry(
        lambda org: [org.review.pk],
        setup=submitted_review,
        expect=section_a1_review(writer=403, head=200, reader=403) | {"admin": 200},
    ),
    "reviews:sheet_reviews": Entry(SHEET, expect=department_a(reader=200)),
    "reviews:dashboard": Entry(expect=planning_only(200)),
    "reviews:unfiled": Entry(expect=planning_only(200)),
    "reviews:search": Entry(expect=planning_only(200)),
    "reviews:search_xlsx": Entry(query=lambda org: "?q=実施項目", expect=planning_only(200)),
    "reviews:fiscal_years": Entry(expect=planning_only(200)),
    "reviews:fiscal_year_edit": Entry(
        lambda org: [org.fiscal_year.year], expect=planning_only(200)
    ),
    # Printing (PDF): a sheet for whoever reads it; the whole city for planning staff.
    "print:menu": Entry(expect=planning_only(200)),
    "print:sheet_pdf": Entry(
        SHEET, query=lambda org: "?kind=plan", expect=department_a(reader=200)
    ),
    "print:section_review_pdf": Entry(
        lambda org: [org.sheet_a.pk, org.section_a1.pk],
        expect=section_a1_review(writer=200, head=200, reader=200),
    ),
    "print:city_start": Entry(
        method="post",
        data=lambda org: {"year": org.fiscal_year.year, "kind": "plan"},
        expect=planning_only(302),
    ),
    "print:city_status": Entry(lambda org: [org.job.pk], setup=city_job, expect=planning_only(200)),
    "print:city_download": Entry(
        lambda org: [org.job.pk],
        setup=lambda org: city_job(org, done=True),
        expect=planning_only(200),
    ),
    # Mail: each user's own settings; planning staff's list of undelivered mail.
    "notifications:settings": Entry(expect=everyone(200)),
    "notifications:undelivered": Entry(expect=planning_only(200)),
    "notifications:resend": Entry(
        lambda org: [org.delivery.pk],
        method="post",
        setup=undelivered_mail,
        expect=planning_only(302),
    ),
    "goals:snapshot_detail": Entry(
        lambda org: [org.sheet_a.pk, 1], setup=accepted, expect=department_a(reader=200)
    ),
    # Publication (公表): planning staff publish and withdraw; the public site needs no login.
    "publication:manage": Entry(expect=planning_only(200)),
    "publication:publish": Entry(
        YEAR_GOALS,
        method="post",
        setup=accepted,
        data=lambda org: {"department": org.dept_a.pk},
        expect=planning_only(302),
    ),
    "publication:unpublish": Entry(
        YEAR_GOALS, method="post", setup=published, expect=planning_only(302)
    ),
    "public:index": Entry(setup=published, expect=public()),
    "public:search": Entry(query=lambda org: "?q=実施項目", setup=published, expect=public()),
    "public:data": Entry(setup=published, expect=public()),
    "public:feed": Entry(setup=published, expect=public()),
    "public:year": Entry(lambda org: [org.fiscal_year.year], setup=published, expect=public()),
    "public:csv": Entry(YEAR_GOALS, setup=published, expect=public()),
    "public:json": Entry(
        lambda org: [org.fiscal_year.year, "results"], setup=published, expect=public()
    ),
    "public:city_pdf": Entry(YEAR_GOALS, setup=published, expect=public()),
    "public:department": Entry(
        lambda org: [org.fiscal_year.year, "results", org.dept_a.pk],
        setup=published,
        expect=public(),
    ),
    "public:department_pdf": Entry(
        lambda org: [org.fiscal_year.year, "goals", org.dept_a.pk],
        setup=published,
        expect=public(),
    ),
    "public:version": Entry(lambda org: [org.publication.pk], setup=published, expect=public()),
    "public:version_pdf": Entry(lambda org: [org.publication.pk], setup=published, expect=public()),
}

# Django's admin is one application with its own permission checks (is_staff, model
# permissions); the matrix checks its entrance, and tests/test_admin.py its pages.
ADMIN_ENTRY = Entry(
    expect={"anonymous": 302, "admin": 200}
    | {p: 302 for p in PERSONAS if p not in {"anonymous", "admin"}}
)


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner.startswith("admin:"):
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.pattern}"


def test_every_url_has_an_entry():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"URL × 役割の表に載っていない URL があります: {missing}"


def expected_status(entry: Entry, persona: str):
    return entry.expect[persona]


def request(client, entry: Entry, url: str, org):
    headers = {"HTTP_HX_REQUEST": "true"} if entry.htmx else {}
    call = getattr(client, entry.method)
    return call(url, entry.data(org), **headers) if entry.method == "post" else call(url, **headers)


CASES = [(name, persona) for name in sorted(MATRIX) for persona in PERSONAS]

QUERY_BASELINE = Path(__file__).with_name("url_matrix_queries.json")
UPDATE_QUERY_BASELINE = os.environ.get("UPDATE_QUERY_BASELINE", "") not in ("", "0")
UPDATE_HINT = (
    "クエリが増えるのが意図したものなら、基準を書き直してコミットしてください: "
    "UPDATE_QUERY_BASELINE=1 .venv/bin/python -m pytest tests/test_url_matrix.py "
    "-p no:cacheprovider"
)
# Transaction bookkeeping differs between databases (and between a test and production).
NOT_COUNTED = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)


def case_key(url_name: str, persona: str) -> str:
    return f"{url_name} {persona}"


def counted_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not NOT_COUNTED.match(q["sql"])]


def query_baseline() -> dict[str, int]:
    return json.loads(QUERY_BASELINE.read_text(encoding="utf-8")) if QUERY_BASELINE.exists() else {}


def baseline_update(change: Callable[[dict], None]) -> None:
    """Read, change and write the baseline under a lock (xdist workers write one at a time)."""
    with open(QUERY_BASELINE, "a+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        text = file.read()
        baseline = json.loads(text) if text.strip() else {}
        change(baseline)
        file.seek(0)
        file.truncate()
        file.write(json.dumps(dict(sorted(baseline.items())), ensure_ascii=False, indent=2) + "\n")


def check_query_count(url_name: str, persona: str, queries: list[str]) -> None:
    key = case_key(url_name, persona)
    if UPDATE_QUERY_BASELINE:
        baseline_update(lambda baseline: baseline.__setitem__(key, len(queries)))
        return
    expected = query_baseline().get(key)
    assert expected is not None, f"{key}: {QUERY_BASELINE.name} に基準がありません。{UPDATE_HINT}"
    assert len(queries) <= expected, (
        f"{key}: クエリ {len(queries)} 件（基準は {expected} 件）。{UPDATE_HINT}\n"
        + "\n".join(queries)
    )


# What a refused POST must leave as it was: per table, aggregates that move with any insert,
# delete or save (versions and updated_at move on every save; positions on every reordering).
FINGERPRINT = {
    GoalSheet: {"version": Sum, "updated_at": Max},
    GoalItem: {"version": Sum, "updated_at": Max, "position": Sum},
    GoalItemSection: {"position": Sum},
    SheetSigner: {"position": Sum},
    SheetSnapshot: {},
    Review: {"version": Sum, "updated_at": Max},
    ChangeLog: {},
    CityPdfJob: {},
}


def database_fingerprint() -> dict:
    return {
        model.__name__: model.objects.aggregate(
            rows=Count("pk"),
            last=Max("pk"),
            **{name: function(name) for name, function in aggregates.items()},
        )
        for model, aggregates in FINGERPRINT.items()
    }


def test_the_fingerprint_sees_a_save_and_a_reordering(org):
    before = database_fingerprint()
    GoalSheet.objects.get(pk=org.sheet_a.pk).save()  # updated_at moves
    after_save = database_fingerprint()
    assert after_save != before
    GoalItem.objects.filter(pk=org.item_a.pk).update(position=3)
    assert database_fingerprint() != after_save


def is_refused(expected) -> bool:
    return expected in (403, 404, LOGIN)


@pytest.mark.parametrize(("url_name", "persona"), CASES)
def test_url_answers_each_role(url_name, persona, org, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = MATRIX[url_name]
    entry.setup(org)
    client = client_for(org.persona(persona))
    url = reverse(url_name, args=entry.args(org)) + entry.query(org)
    expected = expected_status(entry, persona)
    refused_post = entry.method == "post" and is_refused(expected)
    before = database_fingerprint() if refused_post else None
    # The content types cached by earlier tests of the same process would lower the count.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = request(client, entry, url, org)
    if expected == LOGIN and entry.htmx and entry.method != "get":
        # A save keeps what was typed: 401 and the page's in-page sign-in (config.middleware).
        assert response.status_code == 401 and "session-expired" in response["HX-Trigger"]
    elif expected == LOGIN and entry.htmx:
        assert response["HX-Redirect"].startswith(reverse("login"))
    elif expected == LOGIN:
        assert response.status_code == 302, response
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, (url, persona, response.status_code)
    if refused_post:
        assert database_fingerprint() == before, (
            f"{url_name} {persona}: 拒否された POST で DB が変わりました"
        )
    check_query_count(url_name, persona, counted_queries(captured))


def test_query_baseline_lists_only_matrix_cases():
    """A URL or persona that leaves the matrix leaves the baseline too (rewritten when updating)."""
    cases = {case_key(name, persona) for name, persona in CASES}
    if UPDATE_QUERY_BASELINE:
        baseline_update(lambda baseline: [baseline.pop(key) for key in set(baseline) - cases])
        return
    stale = sorted(set(query_baseline()) - cases)
    assert not stale, f"{QUERY_BASELINE.name} に表にない組み合わせがあります: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_entrance(persona, org, client_for):
    client = client_for(org.persona(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == ADMIN_ENTRY.expect[persona]
