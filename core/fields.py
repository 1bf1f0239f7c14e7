import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

# C0 and C1 control characters other than tab and line breaks: invisible, and illegal in the
# XML of an .xlsx file.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class NoControlCharactersValidator:
    message = "見えない制御文字が含まれています。文字をもう一度入力してください。"
    code = "control_characters"

    def __call__(self, value):
        if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharactersValidator)


def strip_control_characters(text: str) -> str:
    return _CONTROL_CHARACTERS.sub("", text)


class BoundedTextField(models.TextField):
    """Typed text whose max_length every save path enforces (Django leaves it to forms) and
    which refuses invisible control characters."""

    @cached_property
    def validators(self):
        validators = [*super().validators, NoControlCharactersValidator()]
        if self.max_length:
            validators.append(MaxLengthValidator(self.max_length))
        return validators


class PlainCharField(models.CharField):
    """A CharField for typed text: no invisible control characters."""

    @cached_property
    def validators(self):
        return [*super().validators, NoControlCharactersValidator()]
