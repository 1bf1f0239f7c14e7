"""Form helpers shared by every app."""

from django import forms
from django.forms.utils import ErrorDict

from core.editing import (
    CLASH_MESSAGE,
    CONFLICT_MESSAGE,
    Merge,
    comparable,
    decode_base,
    encode_base,
    merge_after_conflict,
    shown,
)


class MergingForm(forms.Form):
    """A form that comes back merged after an edit conflict (core.editing): `base` holds the
    values it was opened with, so that the fields the user did not change take what is saved."""

    base = forms.CharField(widget=forms.HiddenInput, required=False)

    #: The fields compared in a merge (the content, not version or base).
    merged_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "base" not in self.initial:
            self.initial["base"] = encode_base(
                {name: self.initial.get(name) for name in self.merged_fields}
            )

    def typed_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.merged_fields}

    def opened_with(self) -> dict | None:
        return decode_base(self.cleaned_data.get("base"))

    def labels(self) -> dict[str, str]:
        return {name: str(self.fields[name].label) for name in self.merged_fields}

    def display(self, name: str, value) -> str:
        """A value of one of the fields as the user reads it beside a clash (names, not ids)."""
        form_field = self.fields[name]
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            keys = [comparable(each) for each in value or []]
            names = {each.pk: str(each) for each in form_field.queryset.filter(pk__in=keys)}
            return shown([names.get(key, key) for key in keys])
        if isinstance(form_field, forms.ModelChoiceField):
            key = comparable(value)
            found = form_field.queryset.filter(pk=key).first() if key != "" else None
            return shown(found)
        if isinstance(form_field, forms.BooleanField):
            return shown(bool(value))
        return shown(form_field.prepare_value(value) if value is not None else None)

    def merged_after(self, conflict, *, saved: dict) -> Merge:
        """The merge of what was typed with what is `saved` now (core.editing)."""
        return merge_after_conflict(
            base=self.opened_with(),
            typed=self.typed_values(),
            saved={name: saved.get(name) for name in self.merged_fields},
            labels=self.labels(),
            display=self.display,
        )

    def show_merge(self, merge: Merge) -> None:
        """The conflict message, and beside each field both changed, what is saved now (on the
        unbound form the merge gave: its values are shown as they are, with these messages)."""
        if self._errors is None:
            self._errors, self.cleaned_data = ErrorDict(), {}
        self.add_error(None, CONFLICT_MESSAGE)
        if merge.clashes:
            self.add_error(None, CLASH_MESSAGE)
        for clash in merge.clashes:
            self.add_error(clash.name, f"保存されている内容: {clash.theirs}")
