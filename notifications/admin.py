from django.contrib import admin

from notifications.models import Delivery, NotificationSetting, ReminderRecord


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_address", "event", "subject", "status", "attempts"]
    list_filter = ["status", "event"]
    search_fields = ["to_address", "subject"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False  # written by the services only


@admin.register(ReminderRecord)
class ReminderRecordAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "user", "fiscal_year", "deadline_kind", "deadline"]
    list_filter = ["deadline_kind", "fiscal_year"]
    list_select_related = ["user", "fiscal_year"]
    readonly_fields = [field.name for field in ReminderRecord._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "reminders_enabled", "updated_at"]
    list_select_related = ["user"]
