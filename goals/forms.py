"""Forms of the sheet editor. They read and check what was typed; the services write."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from core.deadlines import DEADLINE_SUGGESTIONS
from core.forms import MergingForm
from core.wareki import parse_date, wareki_date
from goals.models import ITEM_CONTENT_FIELDS
from goals.selectors import item_category_choices, item_section_choices
from goals.services import ItemInput

BULLET_HELP = "1行に1項目（箇条書き）。行頭の「・」や「-」は付けても付けなくてもかまいません。"


class WarekiDateField(forms.Field):
    """A date typed as 和暦 (令和8年4月1日) or western (2026/4/1), full-width digits too."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        value = (value or "").strip()
        if not value:
            return None
        try:
            day = parse_date(value)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if day is None:
            raise ValidationError("日付は「令和8年4月1日」か「2026/4/1」のように入力してください。")
        return day

    def prepare_value(self, value):
        return wareki_date(value) if isinstance(value, datetime.date) else value


class VersionForm(forms.Form):
    """The version the user saw: a save against a newer one is refused (no lost updates)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ItemForm(MergingForm):
    merged_fields = (*ITEM_CONTENT_FIELDS, "sections")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # A create form's one-time token: sent twice (a double click), it creates one item.
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    number = forms.IntegerField(
        label="番号",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": "番号を入力してください。",
            "invalid": "番号は数字で入力してください。",
        },
    )
    title = forms.CharField(
        label="実施項目（業務目標又は事務の内容）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    continues_title = forms.BooleanField(
        label="上の行と同じ実施項目（結合して印刷）", required=False
    )
    continues_achievement = forms.BooleanField(label="達成水準も上の行と同じ", required=False)
    category = forms.ModelChoiceField(
        label="計画・方針等の分類",
        queryset=None,
        required=False,
        empty_label="（なし）",
    )
    achievement = forms.CharField(
        label="どの水準まで（達成水準又は遂行後の状態等）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=BULLET_HELP,
    )
    achievement_as_prose = forms.BooleanField(label="「・」を付けず文章として印刷", required=False)
    method = forms.CharField(
        label="どのような方法で（目標等を達成するための取組の内容等）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=BULLET_HELP,
    )
    method_as_prose = forms.BooleanField(label="「・」を付けず文章として印刷", required=False)
    deadline = forms.CharField(
        label="いつまで（期限）",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"list": "deadline-suggestions", "autocomplete": "off"}),
        help_text="例: 12月、年度末、随時、早急、令和8年12月25日",
    )
    is_common = forms.BooleanField(label="共通（部全体で取り組む）", required=False)
    sections = forms.ModelMultipleChoiceField(
        label="課名",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    common_reviewer_section = forms.ModelChoiceField(
        label="共通項目の確認を記入する課",
        queryset=None,
        required=False,
        empty_label="部長が記入する",
    )
    indicator = forms.CharField(
        label="指標", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    baseline = forms.CharField(label="現状値", required=False, max_length=200)
    target = forms.CharField(
        label="目標値", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sheet, item=None, after=None, **kwargs):
        # Several rows may be open at once: ids must not collide.
        if item is not None:
            row_id = f"item-{item.pk}"
        else:
            row_id = f"item-new-{after.pk if after is not None else 'end'}"
        kwargs.setdefault("auto_id", f"{row_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = item_category_choices(item=item)
        sections = item_section_choices(sheet=sheet, item=item)
        self.fields["sections"].queryset = sections
        self.fields["common_reviewer_section"].queryset = sections
        self.fields["title"].widget.attrs["autofocus"] = True

    @staticmethod
    def initial_for(item) -> dict:
        return {
            "version": item.version,
            "number": item.number,
            "title": item.title,
            "continues_title": item.continues_title,
            "continues_achievement": item.continues_achievement,
            "category": item.category_id,
            "achievement": item.achievement,
            "achievement_as_prose": item.achievement_as_prose,
            "method": item.method,
            "method_as_prose": item.method_as_prose,
            "deadline": item.deadline,
            "is_common": item.is_common,
            "sections": [carrier.section_id for carrier in item.carriers.all()],
            "common_reviewer_section": item.common_reviewer_section_id,
            "indicator": item.indicator,
            "baseline": item.baseline,
            "target": item.target,
        }

    @property
    def has_details(self) -> bool:
        """Whether 指標・現状値・目標値 hold anything (their box then opens by itself)."""
        return any(self[name].value() for name in ("indicator", "baseline", "target"))

    def to_input(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            number=data["number"],
            title=data["title"],
            continues_title=data["continues_title"],
            continues_achievement=data["continues_achievement"],
            category=data["category"],
            achievement=data["achievement"],
            achievement_as_prose=data["achievement_as_prose"],
            method=data["method"],
            method_as_prose=data["method_as_prose"],
            deadline=data["deadline"],
            is_common=data["is_common"],
            sections=list(data["sections"]),
            common_reviewer_section=data["common_reviewer_section"],
            indicator=data["indicator"],
            baseline=data["baseline"],
            target=data["target"],
        )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one, above
    the form otherwise (the messages are whole Japanese sentences either way)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field_name, messages in error.message_dict.items():
        target = field_name if field_name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class HeaderForm(MergingForm, VersionForm):
    merged_fields = ("created_on",)
    created_on = WarekiDateField(
        label="作成日",
        help_text="例: 令和8年4月1日（2026/4/1 でも入力できます）",
        error_messages={"required": "作成日を入力してください。"},
    )


class SignerForm(forms.Form):
    title = forms.CharField(
        label="職名", max_length=50, error_messages={"required": "職名を入力してください。"}
    )
    name = forms.CharField(
        label="氏名", max_length=50, error_messages={"required": "氏名を入力してください。"}
    )

    def __init__(self, *args, signer=None, **kwargs):
        kwargs.setdefault("auto_id", f"signer-{signer.pk if signer else 'new'}-%s")
        super().__init__(*args, **kwargs)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "上へ"), ("down", "下へ")])


class ReturnForm(VersionForm):
    comment = forms.CharField(
        label="差し戻しの理由",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="部長に直してほしい点を書いてください。部長の画面に表示されます。",
        error_messages={"required": "差し戻しの理由を入力してください。"},
    )


class SheetCreateForm(forms.Form):
    SOURCE_PREVIOUS = "previous"
    SOURCE_EMPTY = "empty"

    source = forms.ChoiceField(
        label="作り方",
        choices=[(SOURCE_PREVIOUS, "前年度の整理表から作成"), (SOURCE_EMPTY, "空の整理表を作成")],
        widget=forms.RadioSelect,
        initial=SOURCE_PREVIOUS,
    )


def deadline_suggestions() -> list[str]:
    return list(DEADLINE_SUGGESTIONS)
