from django import forms

from accounts.models import EMPLOYEE_NUMBER_MAX_LENGTH


class AccountCreateForm(forms.Form):
    employee_number = forms.CharField(
        label="職員番号",
        max_length=EMPLOYEE_NUMBER_MAX_LENGTH,
        help_text="ログインのユーザー名になります（全角で入力しても半角で登録します）。",
    )
    full_name = forms.CharField(
        label="氏名",
        max_length=150,
        help_text="姓と名の間に空白を入れてください（例: 山田 太郎）。",
    )
    email = forms.EmailField(
        label="メールアドレス",
        help_text="パスワードを設定するためのリンクをこのアドレスに送ります。",
    )
