"""factory_boy factories: the smallest valid objects, everything else stated by the test."""

import datetime

import factory
from django.contrib.auth import get_user_model

from departments.models import Department, Role, RoleAssignment, Section
from departments.permissions import current_fiscal_year
from goals.models import Category, FiscalYear, GoalItem, GoalItemSection, GoalSheet, SheetSigner
from reviews.models import (
    AchievementLevel,
    AchievementScale,
    ProgressMark,
    ProgressScale,
    Review,
    Stage,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "山田"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    password = factory.django.Password("pass")


class ProgressScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressScale
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = "進捗状況（◎○△×）"

    @factory.post_generation
    def marks(scale, create, extracted, **kwargs):
        if create and not scale.marks.exists():
            for position, (symbol, meaning) in enumerate(
                [
                    ("◎", "予定より進んでいる"),
                    ("○", "予定どおり"),
                    ("△", "遅れている"),
                    ("×", "停滞"),
                ]
            ):
                ProgressMark.objects.create(
                    scale=scale, symbol=symbol, meaning=meaning, position=position
                )


class AchievementScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AchievementScale
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = "国分寺市 達成状況"

    @factory.post_generation
    def levels(scale, create, extracted, **kwargs):
        if create and not scale.levels.exists():
            for position, label in enumerate(
                ["達成した", "ほぼ達成した", "ほとんど未達成だった(達成率80～50%)"]
            ):
                AchievementLevel.objects.create(scale=scale, label=label, position=position)


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ["year"]

    year = factory.LazyFunction(current_fiscal_year)
    phase = FiscalYear.Phase.PLANNING
    progress_scale = factory.SubFactory(ProgressScaleFactory)
    achievement_scale = factory.SubFactory(AchievementScaleFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Iterator(["施政方針", "市長特命", "個別計画", "その他"])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"第{n}部")
    head_title = factory.LazyAttribute(lambda d: f"{d.name}長")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["department", "name"]

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"第{n}課")
    chief_title = factory.LazyAttribute(lambda s: f"{s.name}長")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    fiscal_year = factory.LazyFunction(current_fiscal_year)
    role = Role.PLANNING


class GoalSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalSheet
        django_get_or_create = ["fiscal_year", "department"]

    fiscal_year = factory.SubFactory(FiscalYearFactory)
    department = factory.SubFactory(DepartmentFactory)
    created_on = factory.LazyAttribute(lambda s: datetime.date(s.fiscal_year.year, 4, 1))


class SheetSignerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SheetSigner

    sheet = factory.SubFactory(GoalSheetFactory)
    title = "部長"
    name = "山田 太郎"


class GoalItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalItem
        skip_postgeneration_save = True

    sheet = factory.SubFactory(GoalSheetFactory)
    position = factory.Sequence(lambda n: n)
    number = factory.LazyAttribute(lambda item: item.position + 1)
    title = factory.Sequence(lambda n: f"実施項目{n}")
    category = factory.SubFactory(CategoryFactory)
    achievement = "達成水準の一つ目\n達成水準の二つ目"
    method = "方法の一つ目\n方法の二つ目"
    deadline = "年度末"
    deadline_kind = "fiscal_year_end"

    @factory.post_generation
    def sections(item, create, extracted, **kwargs):
        """GoalItemFactory(sections=[section, ...]) makes those sections carry the item."""
        if create and extracted:
            for position, section in enumerate(extracted):
                GoalItemSection.objects.create(item=item, section=section, position=position)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    item = factory.SubFactory(GoalItemFactory)
    section = None
    stage = Stage.MID_YEAR
