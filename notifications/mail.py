"""The mails themselves: Japanese subject, plain text and HTML, links to the exact pages.

Each mail goes to one person and says only what that person may read: their department's sheet,
their own review, the lines that wait for them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from goals.models import GoalSheet
from notifications.models import Event
from notifications.selectors import TodoLine, todo_groups
from reviews.models import Review


@dataclass
class Mail:
    subject: str
    text: str
    html: str


@dataclass
class _Content:
    subject: str
    paragraphs: list[str]
    links: list[tuple[str, str]] = field(default_factory=list)
    quote_label: str = ""
    quote: str = ""
    groups: list = field(default_factory=list)
    settings_link: bool = False


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def person_name(user) -> str:
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def _subject(text: str) -> str:
    return f"[{settings.CITY_NAME} 組織目標] {text}"


def _render(content: _Content, *, recipient) -> Mail:
    context = {
        "subject": content.subject,
        "greeting": f"{person_name(recipient)} 様",
        "paragraphs": content.paragraphs,
        "links": [(label, absolute_url(path)) for label, path in content.links],
        "quote_label": content.quote_label,
        "quote": content.quote,
        "groups": content.groups,
        "city_name": settings.CITY_NAME,
        "settings_url": absolute_url(reverse("notifications:settings"))
        if content.settings_link
        else "",
    }
    return Mail(
        subject=content.subject,
        text=render_to_string("notifications/mail/message.txt", context),
        html=render_to_string("notifications/mail/message.html", context),
    )


# Workflow events -------------------------------------------------------------------------------


def _sheet_content(event: str, sheet: GoalSheet) -> _Content:
    department = sheet.department.name
    what = f"{sheet.fiscal_year.label} {department}の組織目標展開整理表"
    link = [("整理表を開く", reverse("goals:sheet_detail", args=[sheet.pk]))]
    if event == Event.SHEET_SUBMITTED:
        return _Content(
            subject=_subject(f"{department}の整理表が提出されました"),
            paragraphs=[
                f"{what}が提出されました。",
                "内容を確かめて、承認または差し戻しをしてください。",
            ],
            links=link,
        )
    if event == Event.SHEET_RETURNED:
        return _Content(
            subject=_subject(f"{department}の整理表が差し戻されました"),
            paragraphs=[
                f"{what}が企画・政策担当から差し戻されました。",
                "理由を読んで整理表を直し、もう一度提出してください。",
            ],
            links=link,
            quote_label="差し戻しの理由",
            quote=sheet.return_comment,
        )
    if event == Event.SHEET_ACCEPTED:
        return _Content(
            subject=_subject(f"{department}の整理表が承認されました"),
            paragraphs=[f"{what}が承認されました。"],
            links=link,
        )
    return _Content(
        subject=_subject(f"{department}の整理表の見直しが始まりました"),
        paragraphs=[
            f"承認済みの{what}の見直しが始まりました。",
            "見直した整理表は、もう一度提出されます。",
        ],
        links=link,
    )


def _review_content(event: str, review: Review) -> _Content:
    item = review.item
    sheet = item.sheet
    stage = review.get_stage_display()
    who = review.section.name if review.section_id else "共通項目（部長が記入）"
    what = (
        f"{sheet.fiscal_year.label} {sheet.department.name} "
        f"番号{item.number}「{_title(item)}」の{stage}（{who}）"
    )
    args = [item.pk, review.stage] + ([review.section_id] if review.section_id else [])
    link = [(f"{stage}を開く", reverse("reviews:review_edit", args=args))]
    if event == Event.REVIEW_SUBMITTED:
        return _Content(
            subject=_subject(f"{who}の{stage}が提出されました"),
            paragraphs=[
                f"{what}が提出されました。",
                "内容を確かめて、確認または差し戻しをしてください。",
            ],
            links=link,
        )
    if event == Event.REVIEW_CONFIRMED:
        return _Content(
            subject=_subject(f"{stage}が部長に確認されました"),
            paragraphs=[f"{what}が部長に確認されました。"],
            links=link,
        )
    if event == Event.REVIEW_RETURNED:
        return _Content(
            subject=_subject(f"{stage}が差し戻されました"),
            paragraphs=[
                f"{what}が部長から差し戻されました。",
                "理由を読んで直し、もう一度提出してください。",
            ],
            links=link,
            quote_label="差し戻しの理由",
            quote=review.return_comment,
        )
    return _Content(
        subject=_subject(f"{stage}の記入が再開されました"),
        paragraphs=[
            f"{what}の記入を、企画・政策担当が再開しました。",
            "受付の終わった後でも記入して提出できます。",
        ],
        links=link,
        quote_label="理由" if review.return_comment else "",
        quote=review.return_comment,
    )


def _title(item) -> str:
    title = " ".join((getattr(item, "display_title", None) or item.title or "").split())
    return title if len(title) <= 40 else title[:39] + "…"


def event_mail(*, event: str, target, recipient) -> Mail:
    """The mail about a workflow event (target: the GoalSheet or the Review) for one person."""
    if isinstance(target, GoalSheet):
        content = _sheet_content(event, target)
    else:
        content = _review_content(event, target)
    return _render(content, recipient=recipient)


# Reminders -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MailLine:
    text: str
    status: str
    overdue: bool
    deadline: object
    deadline_label: str
    detail: str
    absolute_url: str


def reminder_mail(*, fiscal_year, lines: list[TodoLine], recipient, today) -> Mail:
    """One mail with everything that waits for the person in the year."""
    overdue = any(line.overdue for line in lines)
    soonest = min((line.deadline for line in lines if line.deadline), default=None)
    if overdue:
        subject = _subject("期限を過ぎているものがあります（やることのお知らせ）")
    elif soonest is not None:
        days = (soonest - today).days
        subject = _subject(f"期限まであと{days}日です（やることのお知らせ）")
    else:
        subject = _subject("やることのお知らせ")
    groups = [
        (
            heading,
            [
                _MailLine(
                    text=line.text,
                    status=line.status,
                    overdue=line.overdue,
                    deadline=line.deadline,
                    deadline_label=line.deadline_label,
                    detail=" ".join(line.detail.split()),
                    absolute_url=absolute_url(line.url),
                )
                for line in group
            ],
        )
        for heading, group in todo_groups(lines)
    ]
    content = _Content(
        subject=subject,
        paragraphs=[
            f"{fiscal_year.label}の組織目標について、あなたの対応を待っているものが{len(lines)}件あります。",
            "それぞれのリンクから開いて、記入・提出してください。",
        ],
        groups=groups,
        links=[("やることの一覧（ホーム）", reverse("home"))],
        settings_link=True,
    )
    return _render(content, recipient=recipient)
