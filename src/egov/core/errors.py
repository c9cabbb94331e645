"""Errors services raise; pages and APIs turn them into field errors, never a 500."""


class ServiceError(Exception):
    """A request the platform refuses, with a stable code and, where it applies, a field."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(ServiceError):
    code = "invalid"


class NotFound(ServiceError):
    code = "not_found"


class PermissionDenied(ServiceError):
    code = "forbidden"


class Conflict(ServiceError):
    code = "conflict"
