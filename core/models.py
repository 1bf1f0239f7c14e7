from django.db import models


class OnceToken(models.Model):
    """The one-time token of a create form: a repeated POST of the same form (a double click, a
    resend after a timeout) finds the object the first one created instead of creating another."""

    key = models.CharField("トークン", max_length=64, unique=True)
    object_id = models.PositiveBigIntegerField("作成したもの", null=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "二重送信の防止"
        verbose_name_plural = "二重送信の防止"

    def __str__(self) -> str:
        return self.key
