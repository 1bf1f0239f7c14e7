"""Admin import/export (django-import-export) for categories and goal items, and what the
resources of every app share: natural keys (names, not ids), Japanese column names, CSV and XLSX
that never turn text into formulas, and the permission rules of the services.

Each resource takes the importing `user` (the admin passes `request.user`; None means a trusted
command). The library's own dry run is the preview: every row is validated with the model's
`full_clean()` and the permission checks, inside a transaction that is rolled back.
"""

import csv
import io
import re

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core import text
from core.wareki import fiscal_year_label
from departments.permissions import (
    Access,
    can_administer_city,
    can_import_sheet,
    can_replace_frozen_sheet,
    sheet_access,
    sheets_visible_q,
)
from excel.xlsx import (
    BOLD,
    CONTENT_TYPE,
    FORMULA_PREFIXES,
    HEADER_FILL,
    WorkbookError,
    check_upload,
    neutralise,
    workbook_bytes,
)
from goals.models import ITEM_CONTENT_FIELDS, Category, FiscalYear, GoalItem, GoalSheet
from goals.services import EditConflict, ItemInput, changelog_record, item_create, item_update

# Formats ----------------------------------------------------------------------------------------

_ESCAPED = re.compile(r"^'(?=[=+\-@\t\r'])")


class SafeCSV(base_formats.CSV):
    """CSV that Excel opens as UTF-8 (with a BOM) and that cannot carry a formula.

    A value starting with = + - @ (or ') is written behind a leading ', the usual guard; reading
    removes that one ', so the text comes back exactly. Files saved by Excel in Shift_JIS (cp932)
    are read too.
    """

    def get_title(self):
        return "csv"

    def is_binary(self):
        # Bytes in both directions: we choose the encoding, not the admin's default.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp932")
        dataset = tablib.import_set(in_stream, format="csv")
        return _map_dataset(dataset, lambda value: _ESCAPED.sub("", value))

    def export_data(self, dataset, **kwargs):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(dataset.headers or [])
        for row in dataset:
            writer.writerow([_csv_cell(value) for value in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value):
    if isinstance(value, str) and value.startswith((*FORMULA_PREFIXES, "'")):
        return "'" + value
    return "" if value is None else value


def _map_dataset(dataset, function):
    mapped = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        mapped.append([function(value) if isinstance(value, str) else value for value in row])
    return mapped


class SafeXLSX(base_formats.XLSX):
    """XLSX written by us (text stays text), read after the same checks as a sheet upload."""

    CONTENT_TYPE = CONTENT_TYPE

    def create_dataset(self, in_stream):
        try:
            check_upload(in_stream, "import.xlsx")
        except WorkbookError as error:
            raise ValueError(str(error)) from error
        return super().create_dataset(in_stream)

    def export_data(self, dataset, **kwargs):

        workbook = Workbook(write_only=True)
        ws = workbook.create_sheet(dataset.title or "データ")
        header = []
        for label in dataset.headers or []:
            cell = neutralise(WriteOnlyCell(ws), label)
            cell.font, cell.fill = BOLD, HEADER_FILL
            header.append(cell)
        ws.append(header)
        for row in dataset:
            ws.append([neutralise(WriteOnlyCell(ws), value) for value in row])
        return workbook_bytes(workbook)


FORMATS = [SafeCSV, SafeXLSX]


# Widgets: names, Japanese yes/no, 1-based rows -------------------------------------------------


class NameWidget(widgets.ForeignKeyWidget):
    """A related object by its name; an unknown name is a message in Japanese."""

    def __init__(self, model, field="name", *, label, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        value = text.clean_line(str(value)) if value not in (None, "") else ""
        if not value:
            return None
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
        except self.model.DoesNotExist as error:
            raise ValueError(f"{self.label}「{value}」は登録されていません。") from error


class JapaneseBooleanWidget(widgets.BooleanWidget):
    TRUE_VALUES = ["はい", "○", "〇", "1", 1, True, "true", "TRUE", "True", "yes", "Yes"]
    FALSE_VALUES = ["いいえ", "×", "0", 0, False, "false", "FALSE", "False", "no", "No", ""]

    def render(self, value, obj=None, **kwargs):
        return "はい" if value else "いいえ"

    def clean(self, value, row=None, **kwargs):
        if value is None or value in self.FALSE_VALUES:
            return False
        if value in self.TRUE_VALUES:
            return True
        raise ValueError(f"「{value}」は「はい」か「いいえ」で入力してください。")


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = text.to_halfwidth_digits(value).strip()
        try:
            return super().clean(value, row=row, **kwargs)
        except (ValueError, ArithmeticError) as error:
            raise ValueError(f"「{value}」は数字で入力してください。") from error


class RowNumberWidget(IntegerWidget):
    """行: the 1-based printed order of an item in its sheet (stored 0-based as `position`)."""

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row=row, **kwargs)
        if number is None:
            return None
        if number < 1:
            raise ValueError("行は1以上の数字で入力してください。")
        return number - 1

    def render(self, value, obj=None, **kwargs):
        return None if value is None else value + 1


class FiscalYearWidget(widgets.Widget):
    """年度: 2026 or 令和8年度."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError("年度を入力してください（例: 2026 または 令和8年度）。")
        typed = text.to_halfwidth_digits(str(value)).strip()
        if isinstance(value, float) or typed.isdigit():
            return int(float(typed))
        for year in FiscalYear.objects.values_list("year", flat=True):
            if fiscal_year_label(year) == typed:
                return year
        raise ValueError(f"年度「{value}」は登録されていません（例: 2026 または 令和8年度）。")

    def render(self, value, obj=None, **kwargs):
        return value


# Shared behaviour ------------------------------------------------------------------------------


class CityResource(resources.ModelResource):
    """Validation with full_clean, the permission rules, and a change log of every write."""

    permission_message = "この操作は企画・政策担当が行います。"

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def may_import(self) -> bool:
        return self.user is None or can_administer_city(self.user)

    def before_import(self, dataset, **kwargs):
        if not self.may_import():
            raise PermissionDenied(self.permission_message)

    def after_save_instance(self, instance, row, **kwargs):
        changelog_record(
            sheet=self.sheet_of(instance),
            target=instance,
            action=f"{instance._meta.model_name}.imported",
            user=self.user,
            changes={"読み込み": "管理画面（ファイル）"},
        )

    def sheet_of(self, instance):
        return None


def japanese_field(attribute, column_name, widget=None, **options):
    return fields.Field(attribute=attribute, column_name=column_name, widget=widget, **options)


class CategoryResource(CityResource):
    name = japanese_field("name", "分類名")
    display_order = japanese_field("display_order", "表示順", IntegerWidget(), default=0)
    is_active = japanese_field("is_active", "選択肢に表示", JapaneseBooleanWidget(), default=True)

    class Meta(CityResource.Meta):
        model = Category
        fields = ("name", "display_order", "is_active")
        import_id_fields = ("name",)
        name = "計画・方針等の分類"


# Goal items -------------------------------------------------------------------------------------


class GoalItemResource(CityResource):
    """実施項目 by 年度, 部 and 行 (the printed order); sections by name in one cell."""

    # 年度・部・行 identify the item (readonly: never written through the lookup path).
    year = japanese_field("sheet__fiscal_year__year", "年度", FiscalYearWidget(), readonly=True)
    department = japanese_field(
        "sheet__department__name", "部", widgets.CharWidget(), readonly=True
    )
    position = japanese_field("position", "行", RowNumberWidget(), readonly=True)
    number = japanese_field("number", "番号", IntegerWidget())
    title = japanese_field("title", "実施項目", widgets.CharWidget())
    continues_title = japanese_field("continues_title", "実施項目を継続", JapaneseBooleanWidget())
    continues_achievement = japanese_field(
        "continues_achievement", "達成水準も継続", JapaneseBooleanWidget()
    )
    category = japanese_field("category", "計画・方針等の分類", NameWidget(Category, label="分類"))
    achievement = japanese_field("achievement", "どの水準まで", widgets.CharWidget())
    achievement_as_prose = japanese_field(
        "achievement_as_prose", "達成水準を文章で", JapaneseBooleanWidget()
    )
    method = japanese_field("method", "どのような方法で", widgets.CharWidget())
    method_as_prose = japanese_field("method_as_prose", "方法を文章で", JapaneseBooleanWidget())
    deadline = japanese_field("deadline", "いつまで", widgets.CharWidget())
    is_common = japanese_field("is_common", "共通", JapaneseBooleanWidget())
    sections = fields.Field(column_name="課名")
    common_reviewer_section = fields.Field(column_name="共通項目の確認を担当する課")
    indicator = japanese_field("indicator", "指標", widgets.CharWidget())
    baseline = japanese_field("baseline", "現状値", widgets.CharWidget())
    target = japanese_field("target", "目標値", widgets.CharWidget())

    class Meta(CityResource.Meta):
        model = GoalItem
        import_id_fields = ("year", "department", "position")
        fields = ("year", "department", "position", *ITEM_CONTENT_FIELDS, "sections")
        name = "実施項目"

    def may_import(self) -> bool:
        return True  # decided per row, by the sheet

    def get_queryset(self):
        items = GoalItem.objects.select_related(
            "sheet__fiscal_year", "sheet__department", "category", "common_reviewer_section"
        ).prefetch_related("carriers__section")
        if self.user is not None:
            items = items.filter(sheets_visible_q(self.user, "sheet__"))
        return items

    def get_instance(self, instance_loader, row):
        if self.fields["position"].clean(row) is None:
            return None  # no 行: a new item, added at the end
        return super().get_instance(instance_loader, row)

    def init_instance(self, row=None):
        sheet = self._sheet_for(row)
        position = self.fields["position"].clean(row)
        if position is None:
            last = sheet.items.order_by("-position").first()
            position = last.position + 1 if last else 0
        return GoalItem(sheet=sheet, position=position)

    def _sheet_for(self, row) -> GoalSheet:
        year = self.fields["year"].clean(row)
        name = text.clean_line(str(row.get("部") or ""))
        sheet = (
            GoalSheet.objects.select_related("fiscal_year", "department")
            .filter(fiscal_year__year=year, department__name=name)
            .first()
        )
        if sheet is None:
            raise ValidationError(
                f"{fiscal_year_label(year)}の{name or '（部なし）'}の整理表がありません。"
                "先に整理表を作成してください。"
            )
        return sheet

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        self._check_permission(instance.sheet)
        errors = {}
        department = instance.sheet.department
        known = {section.name: section for section in department.sections.all()}
        names = text.split_names(str(row.get("課名") or ""))
        unknown = [name for name in names if name not in known]
        if unknown:
            errors["sections"] = [
                f"課「{name}」は{department.name}に登録されていません。" for name in unknown
            ]
        instance._imported_sections = [known[name] for name in names if name in known]
        reviewer = text.clean_line(str(row.get("共通項目の確認を担当する課") or ""))
        if reviewer and reviewer not in known:
            errors["common_reviewer_section"] = [
                f"課「{reviewer}」は{department.name}に登録されていません。"
            ]
        instance.common_reviewer_section = known.get(reviewer)
        if errors:
            raise ValidationError(errors)

    def _check_permission(self, sheet):
        if self.user is None:
            return
        year = sheet.fiscal_year.year
        may_write = sheet_access(self.user, sheet) is Access.WRITE or can_import_sheet(
            self.user, department=sheet.department, fiscal_year=sheet.fiscal_year
        )
        if not may_write:
            raise ValidationError(f"{sheet}の整理表を編集する権限がありません。")
        if not sheet.is_editable and not can_replace_frozen_sheet(self.user, fiscal_year=year):
            raise ValidationError(
                f"{sheet}の整理表は「{sheet.get_status_display()}」のため変更できません。"
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance.pk and getattr(instance, "_imported_sections", None) is not None:
            current = [carrier.section_id for carrier in original.carriers.all()]
            if current != [section.pk for section in instance._imported_sections]:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Write through the item services, as the editor does: the same validation (a section
        that filed a review stays on the item, 継続 rules, …), a version bump, the change log."""
        self.before_save_instance(instance, row, **kwargs)
        data = ItemInput(
            **{name: getattr(instance, name) for name in ITEM_CONTENT_FIELDS},
            sections=instance._imported_sections,
        )
        try:
            if is_create:
                after = (
                    instance.sheet.items.filter(position__lt=instance.position)
                    .order_by("-position")
                    .first()
                )
                saved = item_create(sheet=instance.sheet, data=data, user=self.user, after=after)
            else:
                saved = item_update(
                    item=instance, data=data, version=instance.version, user=self.user
                )
        except EditConflict as conflict:
            raise ValidationError(
                "この項目は読み込みの間にほかの人が保存しました。もう一度読み込んでください。"
            ) from conflict
        instance.pk, instance.position, instance.version = saved.pk, saved.position, saved.version
        self.after_save_instance(instance, row, **kwargs)

    def sheet_of(self, instance):
        return instance.sheet

    def dehydrate_sections(self, item):
        return "、".join(carrier.section.name for carrier in item.carriers.all())

    def dehydrate_common_reviewer_section(self, item):
        return item.common_reviewer_section.name if item.common_reviewer_section_id else ""


class CityImportExportMixin(ImportExportMixin):
    """The admin's import and export: our formats, the user passed to the resource, and the
    city-level rule for who may import at all."""

    formats = FORMATS
    import_formats = FORMATS
    export_formats = FORMATS
    import_requires_city_rights = True

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def has_import_permission(self, request):
        if self.import_requires_city_rights and not can_administer_city(request.user):
            return False
        return self.has_change_permission(request) and self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def add_data_read_fail_error_to_form(self, form, e):
        message = str(e) if isinstance(e, ValueError) and str(e) else None
        form.add_error(
            "import_file",
            message
            or "ファイルを読み取れませんでした。形式（CSV または XLSX）を確認してください。",
        )
