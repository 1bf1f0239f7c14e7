from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property


class BoundedTextField(models.TextField):
    """A TextField whose max_length every save path enforces (Django leaves it to forms)."""

    @cached_property
    def validators(self):
        validators = super().validators
        if self.max_length:
            validators = [*validators, MaxLengthValidator(self.max_length)]
        return validators
