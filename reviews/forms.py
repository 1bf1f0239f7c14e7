"""Forms of the review pages. They only read and check what was typed; services write."""

from django import forms

from core.deadlines import DeadlineKind
from core.forms import MergingForm
from departments.models import Department, Section
from goals.models import Category, FiscalYear
from reviews.models import AchievementLevel, ProgressMark, ReviewStatus, Stage
from reviews.selectors import SearchFilters

TEXTAREA = {"rows": 6}


class MarkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.symbol}　{obj.meaning}"


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ReviewForm(MergingForm):
    """Shared by both stages: the version (and values) the writer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.merged_fields = tuple(getattr(cls, "value_fields", ()))

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.value_fields}


class MidYearReviewForm(ReviewForm):
    value_fields = ("progress_mark", "first_half_status", "second_half_plan")

    progress_mark = MarkChoiceField(
        label="進捗状況",
        queryset=ProgressMark.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    first_half_status = forms.CharField(
        label="上半期の状況や評価",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=4000,
        strip=False,
    )
    second_half_plan = forms.CharField(
        label="下半期の予定",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=4000,
        strip=False,
    )

    def __init__(self, *args, fiscal_year: FiscalYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_mark"].queryset = fiscal_year.progress_scale.marks.order_by(
            "position", "id"
        )


class YearEndReviewForm(ReviewForm):
    value_fields = (
        "summary",
        "actual_value",
        "achievement_level",
        "evaluation_reason",
        "issues_and_actions",
    )

    summary = forms.CharField(
        label="1年間の総括",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=4000,
        strip=False,
    )
    actual_value = forms.CharField(
        label="目標値に対する実績値",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
        strip=False,
    )
    achievement_level = LevelChoiceField(
        label="達成状況",
        queryset=AchievementLevel.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    evaluation_reason = forms.CharField(
        label="評価の視点",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        strip=False,
        help_text="その達成状況とした理由。例: 目標水準を達成したため。",
    )
    issues_and_actions = forms.CharField(
        label="課題と対応",
        widget=forms.Textarea(attrs=TEXTAREA),
        required=False,
        max_length=4000,
        strip=False,
    )

    def __init__(self, *args, fiscal_year: FiscalYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement_level"].queryset = fiscal_year.achievement_scale.levels.order_by(
            "position", "id"
        )


def review_form_class(stage: str):
    return MidYearReviewForm if stage == Stage.MID_YEAR else YearEndReviewForm


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="差し戻しの理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "差し戻しの理由を入力してください。"},
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label="再開の理由（記入者に表示されます）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class CommonReviewerForm(forms.Form):
    section = forms.ModelChoiceField(
        label="確認を記入する課",
        queryset=Section.objects.none(),
        required=False,
        empty_label="部長（部として記入）",
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(
            pk__in=[section.pk for section in sections]
        )


class FiscalYearForm(forms.Form):
    phase = forms.ChoiceField(label="段階", choices=FiscalYear.Phase.choices)
    sheet_deadline = forms.DateField(
        label="整理表の提出期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mid_year_deadline = forms.DateField(
        label="中間確認の期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    year_end_deadline = forms.DateField(
        label="年度末確認の期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    @classmethod
    def for_year(cls, fiscal_year: FiscalYear, data=None):
        initial = {
            "phase": fiscal_year.phase,
            "sheet_deadline": fiscal_year.sheet_deadline,
            "mid_year_deadline": fiscal_year.mid_year_deadline,
            "year_end_deadline": fiscal_year.year_end_deadline,
        }
        return cls(data, initial=initial, prefix=f"year{fiscal_year.year}")


DEADLINE_CHOICES = [
    ("", "すべて"),
    *[(str(month), f"{month}月") for month in (*range(4, 13), 1, 2, 3)],
    (DeadlineKind.FISCAL_YEAR_END, "年度末"),
    (DeadlineKind.AS_NEEDED, "随時"),
    (DeadlineKind.ASAP, "早急"),
    (DeadlineKind.TEXT, "その他の書き方"),
    ("none", "未設定"),
]
STAGE_CHOICES = [("", "すべて"), *Stage.choices]
STATUS_CHOICES = [("", "すべて"), *ReviewStatus.choices]


class YearChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


def _grouped(objects, group_of, label_of) -> list:
    groups: dict[str, list] = {}
    for obj in objects:
        groups.setdefault(group_of(obj), []).append((str(obj.pk), label_of(obj)))
    return list(groups.items())


class ReviewSearchForm(forms.Form):
    """Filters of the search: every field optional; bad values are reported, not ignored."""

    q = forms.CharField(label="キーワード", required=False, max_length=200)
    year = YearChoiceField(
        label="年度",
        queryset=FiscalYear.objects.order_by("-year"),
        required=False,
        empty_label="すべて",
        to_field_name="year",
    )
    department = forms.ModelChoiceField(
        label="部", queryset=Department.objects.all(), required=False, empty_label="すべて"
    )
    category = forms.ModelChoiceField(
        label="計画・方針等の分類",
        queryset=Category.objects.all(),
        required=False,
        empty_label="すべて",
    )
    section = forms.ChoiceField(label="課", required=False)
    deadline = forms.ChoiceField(label="いつまで（期限）", choices=DEADLINE_CHOICES, required=False)
    stage = forms.ChoiceField(label="段階", choices=STAGE_CHOICES, required=False)
    status = forms.ChoiceField(label="確認の状態", choices=STATUS_CHOICES, required=False)
    progress_mark = forms.ChoiceField(label="進捗状況", required=False)
    achievement_level = forms.ChoiceField(label="達成状況", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        symbols = list(
            dict.fromkeys(
                ProgressMark.objects.order_by("scale__name", "position").values_list(
                    "symbol", flat=True
                )
            )
        )
        self.fields["progress_mark"].choices = [("", "すべて")] + [(s, s) for s in symbols]
        # Sections grouped by department, levels by scale: long lists read better in groups.
        self._sections = {
            str(section.pk): section
            for section in Section.objects.select_related("department").order_by(
                "department__display_order", "department__name", "display_order", "name"
            )
        }
        self.fields["section"].choices = [
            ("", "すべて"),
            *_grouped(self._sections.values(), lambda section: section.department.name, str),
        ]
        self._levels = {
            str(level.pk): level
            for level in AchievementLevel.objects.select_related("scale").order_by(
                "scale__name", "position", "id"
            )
        }
        self.fields["achievement_level"].choices = [
            ("", "すべて"),
            *_grouped(self._levels.values(), lambda level: level.scale.name, str),
        ]

    def clean_section(self):
        return self._sections.get(self.cleaned_data.get("section") or "")

    def clean_achievement_level(self):
        return self._levels.get(self.cleaned_data.get("achievement_level") or "")

    @property
    def has_filters(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            keyword=data.get("q") or "",
            fiscal_year=data.get("year"),
            department=data.get("department"),
            category=data.get("category"),
            section=data.get("section"),
            deadline=data.get("deadline") or "",
            stage=data.get("stage") or "",
            status=data.get("status") or "",
            progress_mark=data.get("progress_mark") or "",
            achievement_level=data.get("achievement_level"),
        )
