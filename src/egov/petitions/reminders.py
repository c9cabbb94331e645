"""Reminders before a petition's due date are the case kernel's sweep (`cases.sweeps`, declared
by `petitions.procedure`). The window stays importable from here for the apps that still take it
from petitions."""

from egov.cases.sweeps import reminder_business_days

__all__ = ["reminder_business_days"]
