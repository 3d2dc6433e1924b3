"""Every field an object's history shows has a name of its own (a verbose_name, in Chinese
with its English translation): without one, the history printed the attribute name
("certificate type") in both languages."""

from django.apps import apps

from eoms.core.models import Audited


def test_every_audited_field_has_a_verbose_name():
    unnamed = []
    for model in apps.get_models():
        if not issubclass(model, Audited):
            continue
        skipped = set(model.audit_exclude)
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name in skipped or field.attname in skipped:
                continue
            if str(field.verbose_name) == field.name.replace("_", " "):
                unnamed.append(f"{model._meta.label}.{field.name}")
    assert unnamed == []
