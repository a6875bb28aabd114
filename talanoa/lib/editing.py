"""Edits that never silently overwrite one another."""

from django import forms
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """Someone saved the record after this edit began; `current` is what they saved."""

    def __init__(self, current: Model):
        super().__init__("edit conflict")
        self.current = current


class VersionedFormMixin(forms.Form):
    """Carries the version the editor started from, so a stale save is caught."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["expected_version"] = instance.version
        elif instance is not None and not instance.pk:
            self.fields["expected_version"].required = False


def save_versioned(instance: Model, expected_version: int | None, **save_kwargs) -> Model:
    """Save `instance` only if nobody saved it since `expected_version`; bump the version."""
    with transaction.atomic():
        if instance.pk:
            current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
            if expected_version is None or current.version != expected_version:
                raise EditConflict(current)
            instance.version = current.version + 1
        instance.save(**save_kwargs)
    return instance


CONFLICT_MESSAGE = _("Someone else saved this record while you were editing it. Nothing of yours "
                     "was saved yet: compare the two versions below, then save again.")


def save_form_versioned(request, form, save, formsets=()) -> Model | None:
    """Run `save(form)` when the bound form and its `formsets` (options, criteria saved with the
    record) are all valid; on a conflict, say so and return None.

    After a conflict the form is re-bound at the current version, so the editor's next save is
    a deliberate choice made after seeing the other version (`form.conflict`)."""
    from django.contrib import messages

    form.conflict = None
    if request.method != "POST":
        return None
    valid = [f.is_valid() for f in (form, *formsets)]  # every one, so each shows its errors
    if not all(valid):
        return None
    try:
        return save(form)
    except EditConflict as exc:
        form.conflict = exc.current
        messages.error(request, CONFLICT_MESSAGE)
        form.data = form.data.copy()
        form.data["expected_version"] = exc.current.version
        return None


def form_status(form, *formsets) -> int:
    """409 for a conflict, 400 for invalid input (in the form or a formset), else 200."""
    if getattr(form, "conflict", None) is not None:
        return 409
    invalid = any(f.is_bound and not f.is_valid() for f in (form, *formsets))
    return 400 if invalid else 200


def save_model_form(form) -> Model:
    """Save a valid versioned ModelForm (and its many-to-many fields) in one transaction."""
    with transaction.atomic():
        instance = form.save(commit=False)
        save_versioned(instance, form.cleaned_data.get("expected_version"))
        form.save_m2m()
    return instance


def conflict_rows(form) -> list[tuple[str, object, object]]:
    """(label, their saved value, your value) for each field the two versions disagree on."""
    current = getattr(form, "conflict", None)
    if current is None:
        return []
    rows = []
    for name, field in form.fields.items():
        if name == "expected_version" or not hasattr(current, name):
            continue
        theirs = getattr(current, name)
        yours = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if hasattr(theirs, "all"):
            continue
        if str(theirs or "") != str(yours or ""):
            rows.append((field.label or name, theirs, yours))
    return rows
