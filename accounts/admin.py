"""The admin: the 職員番号 on the user's own page and in the user list, in Japanese."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.models import StaffProfile

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["employee_number"]
    verbose_name = "職員情報"
    verbose_name_plural = "職員情報"


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "user", "full_name", "email", "is_active"]
    search_fields = [
        "employee_number",
        "user__username",
        "user__last_name",
        "user__first_name",
        "user__email",
    ]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    @admin.display(description="氏名", ordering="user__last_name")
    def full_name(self, profile):
        return f"{profile.user.last_name} {profile.user.first_name}".strip()

    @admin.display(description="メールアドレス", ordering="user__email")
    def email(self, profile):
        return profile.user.email

    @admin.display(description="有効", boolean=True, ordering="user__is_active")
    def is_active(self, profile):
        return profile.user.is_active


class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
    list_display = ["username", "employee_number", "last_name", "first_name", "email", "is_active"]
    list_select_related = ["staff_profile"]
    search_fields = [*UserAdmin.search_fields, "staff_profile__employee_number"]

    @admin.display(description="職員番号", ordering="staff_profile__employee_number")
    def employee_number(self, user):
        profile = getattr(user, "staff_profile", None)
        return (profile.employee_number if profile else None) or "—"


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
