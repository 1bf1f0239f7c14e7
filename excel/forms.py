"""The upload form of the Excel import."""

from django import forms
from django.conf import settings

from departments.permissions import current_fiscal_year, departments_headed
from goals.selectors import import_targets_for


class ImportUploadForm(forms.Form):
    fiscal_year = forms.ModelChoiceField(
        label="年度",
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "年度を選んでください。",
            "invalid_choice": "選べない年度です。",
        },
    )
    department = forms.ModelChoiceField(
        label="部",
        queryset=None,
        empty_label="選んでください",
        error_messages={
            "required": "部を選んでください。",
            "invalid_choice": "選べない部です。",
        },
    )
    file = forms.FileField(
        label="Excel ファイル",
        help_text="Excel ブック（.xlsx）、10MB まで。どのシートのどの行から表が始まっていても、"
        "見出しの行から読み取ります。",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": "ファイルを選んでください。",
            "empty": "ファイルが空です（0バイト）。",
            "invalid": "ファイルを読み取れませんでした。もう一度選んでください。",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        years, departments = import_targets_for(user=user)
        self.fields["fiscal_year"].queryset = years
        self.fields["department"].queryset = departments
        if not self.is_bound:
            current = years.filter(year=current_fiscal_year()).first() or years.first()
            self.initial.setdefault("fiscal_year", current)
            headed = departments_headed(user, current.year) if current else set()
            if len(headed) == 1:
                self.initial.setdefault("department", departments.filter(pk__in=headed).first())
            elif departments.count() == 1:
                self.initial.setdefault("department", departments.first())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"ファイルが大きすぎます（{upload.size / 1024 / 1024:.1f}MB）。"
                f"{limit // 1024 // 1024}MB 以下のファイルにしてください。"
            )
        return upload
