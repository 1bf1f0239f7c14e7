"""Admin import/export of departments and sections, by name (see goals/resources.py)."""

from departments.models import Department, Section
from goals.resources import CityResource, IntegerWidget, NameWidget, japanese_field


class DepartmentResource(CityResource):
    name = japanese_field("name", "部名")
    head_title = japanese_field("head_title", "部長の職名")
    display_order = japanese_field("display_order", "表示順", IntegerWidget(), default=0)
    active_from = japanese_field("active_from", "開始年度", IntegerWidget())
    active_until = japanese_field("active_until", "終了年度", IntegerWidget())

    class Meta(CityResource.Meta):
        model = Department
        fields = ("name", "head_title", "display_order", "active_from", "active_until")
        import_id_fields = ("name",)
        name = "部"


class SectionResource(CityResource):
    department = japanese_field("department", "部名", NameWidget(Department, label="部"))
    name = japanese_field("name", "課名")
    chief_title = japanese_field("chief_title", "課長の職名")
    mission = japanese_field("mission", "課の使命")
    display_order = japanese_field("display_order", "表示順", IntegerWidget(), default=0)
    active_from = japanese_field("active_from", "開始年度", IntegerWidget())
    active_until = japanese_field("active_until", "終了年度", IntegerWidget())

    class Meta(CityResource.Meta):
        model = Section
        fields = (
            "department",
            "name",
            "chief_title",
            "mission",
            "display_order",
            "active_from",
            "active_until",
        )
        import_id_fields = ("department", "name")
        name = "課"

    def get_queryset(self):
        return Section.objects.select_related("department")
