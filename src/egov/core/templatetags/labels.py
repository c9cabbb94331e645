"""`{% load labels %}`: `{{ grant.fields|field_labels }}` lists fields by their names for people."""

from django import template

from egov.core import field_labels as labels

register = template.Library()


@register.filter(name="field_labels")
def field_labels(names) -> str:
    return labels.field_labels(names)
