from django import forms


class NotificationSettingForm(forms.Form):
    reminders_enabled = forms.BooleanField(
        label="期限前・期限後の催促のメールを受け取る",
        required=False,
        help_text="整理表や確認の提出・差し戻し・承認などのお知らせは、この設定にかかわらず届きます。",
    )
