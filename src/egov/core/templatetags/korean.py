"""`{% load korean %}`: `{{ name|josa:"을" }}` prints the name with its particle (강남구를, 서울시를)."""

from django import template

from egov.core.korean import with_particle

register = template.Library()


@register.filter(name="josa")
def josa(word, which: str) -> str:
    return with_particle(str(word), which)
