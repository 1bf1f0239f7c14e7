import pytest
from django.core.exceptions import ValidationError

from goals.models import ChangeLog
from publication.models import Publication, PublicSiteState
from publication.selectors import publication_versions, publications_current, site_version
from publication.services import publication_publish, publication_unpublish
from tests.publication.helpers import accept, confirm_year_end, fake_pdf, publish, revise

pytestmark = pytest.mark.django_db


def test_publishing_freezes_the_accepted_version(org):
    accept(org.sheet_a, org.planner)
    report = publish(org, departments=[org.dept_a])
    [publication] = report.published
    assert publication.department == org.dept_a
    assert publication.snapshot.number == 1
    assert publication.published_by == org.planner
    assert publication.data["items"][0]["title"] == org.item_a.title
    assert bytes(publication.pdf).startswith(b"%PDF")
    log = ChangeLog.objects.get(action="publication.published")
    assert log.sheet == org.sheet_a and log.user == org.planner
    assert log.changes["種類"] == "目標"
    assert PublicSiteState.objects.get().version == 1


def test_a_draft_is_refused_with_a_japanese_message(org):
    with pytest.raises(ValidationError) as error:
        publish(org, departments=[org.dept_a])
    assert "「作成中」のため公表できません" in error.value.messages[0]
    assert not Publication.objects.exists()
    assert site_version().number == 0


def test_publishing_every_department_reports_those_refused(org):
    accept(org.sheet_a, org.planner)
    report = publish(org)  # B's sheet is still a draft
    assert [p.department for p in report.published] == [org.dept_a]
    assert any(message.startswith("福祉部:") for message in report.refused)


def test_publishing_the_same_again_changes_nothing(org):
    accept(org.sheet_a, org.planner)
    publish(org, departments=[org.dept_a])
    report = publish(org, departments=[org.dept_a])
    assert report.unchanged == ["市民部"] and not report.published
    assert Publication.objects.count() == 1
    assert site_version().number == 1


def test_a_revision_in_progress_is_never_published(org):
    accept(org.sheet_a, org.planner)
    publish(org, departments=[org.dept_a])
    sheet = revise(org.sheet_a, org.head_a)
    org.item_a.refresh_from_db()
    org.item_a.title = "見直し中の下書き"
    org.item_a.save()
    with pytest.raises(ValidationError):
        publish(org, departments=[org.dept_a])
    [current] = publications_current()
    assert current.data["items"][0]["title"] != "見直し中の下書き"
    assert sheet.status == "draft"


def test_republishing_after_a_revision_keeps_the_earlier_version(org):
    accept(org.sheet_a, org.planner)
    first = publish(org, departments=[org.dept_a]).published[0]
    revise(org.sheet_a, org.head_a)
    org.item_a.refresh_from_db()
    org.item_a.title = "見直した実施項目"
    org.item_a.save()
    accept(org.sheet_a, org.planner)
    second = publish(org, departments=[org.dept_a]).published[0]
    assert second.snapshot.number == 2
    assert second.revision_label.endswith("見直し")
    assert first.revision_label == ""
    versions = publication_versions(
        year=org.fiscal_year.year, kind="goals", department_id=org.dept_a.pk
    )
    assert [v.pk for v in versions] == [second.pk, first.pk]
    assert versions[1].data["items"][0]["title"] != "見直した実施項目"
    assert versions[0].data["items"][0]["title"] == "見直した実施項目"


def test_unpublishing_withdraws_every_version_at_once(org):
    accept(org.sheet_a, org.planner)
    publish(org, departments=[org.dept_a])
    withdrawn = publication_unpublish(
        fiscal_year=org.fiscal_year, kind="goals", departments=[org.dept_a], user=org.planner
    )
    assert len(withdrawn) == 1
    assert publications_current() == []
    assert ChangeLog.objects.filter(action="publication.withdrawn").count() == 1
    assert site_version().number == 2
    with pytest.raises(ValidationError, match="公表中のものはありません"):
        publication_unpublish(fiscal_year=org.fiscal_year, kind="goals", user=org.planner)


def test_results_freeze_the_confirmed_year_end_status(org):
    accept(org.sheet_a, org.planner)
    levels = list(org.fiscal_year.achievement_scale.levels.all())
    review = confirm_year_end(org.item_a, org.section_a1, levels[0])
    [publication] = publish(org, kind="results", departments=[org.dept_a]).published
    assert publication.data["statuses"] == [[str(levels[0])]]
    # A later change to the review does not alter what was published.
    review.achievement_level = levels[1]
    review.save()
    publication.refresh_from_db()
    assert publication.data["statuses"] == [[str(levels[0])]]
    # Only the year-end print's 達成状況 is published, never a review's own texts.
    assert "1年間の総括" not in str(publication.data)


def test_results_need_a_confirmed_review(org):
    accept(org.sheet_a, org.planner)
    levels = list(org.fiscal_year.achievement_scale.levels.all())
    review = confirm_year_end(org.item_a, org.section_a1, levels[0])
    review.status = "submitted"
    review.save()
    with pytest.raises(ValidationError, match="達成状況がまだ確定していない"):
        publish(org, kind="results", departments=[org.dept_a])


def test_an_unknown_kind_is_refused(org):
    with pytest.raises(ValidationError), fake_pdf():
        publish(org, kind="drafts")


def test_the_pdf_is_rendered_from_the_accepted_sheet(org):
    """For real (WeasyPrint): the frozen PDF is the accepted sheet's print."""
    accept(org.sheet_a, org.planner)
    report = publication_publish(
        fiscal_year=org.fiscal_year, kind="goals", departments=[org.dept_a], user=org.planner
    )
    publication = report.published[0]
    assert bytes(publication.pdf).startswith(b"%PDF")
    assert publication.pdf_filename.endswith("_市民部.pdf")
