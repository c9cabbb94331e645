"""Form fields that several apps' pages share."""

from collections.abc import Callable, Iterable

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext

from egov.core import files


def _files_count_help() -> str:
    return gettext("At most %(n)d files.") % {"n": files.MAX_FILES}


# The help beside a several-files input, in the request's language (the widget names the kinds).
FILES_COUNT_HELP = lazy(_files_count_help, str)()


class KindsFileInput(forms.ClearableFileInput):
    """A file input that names the kinds it takes in words beside the button ("PDF, PNG, JPG
    파일, 10MB까지", in the page's language), from the same extensions and limit the content
    checks use; the browser's `accept` filter is built from them too."""

    def __init__(
        self,
        attrs=None,
        *,
        extensions: Iterable[str] = files.EXTENSIONS,
        limit: Callable[[], int] | None = files.max_bytes,
    ):
        self.extensions = tuple(extensions)
        self.limit = limit
        super().__init__({"accept": ",".join(self.extensions), **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["kinds"] = files.accepted_kinds(
            self.extensions, limit=self.limit() if self.limit else None
        )
        return context


class MultipleFileInput(KindsFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the content checks are the service's (each app's files.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]
