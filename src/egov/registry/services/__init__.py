"""Every change to the registers. Each function is one transaction that writes the register,
its history row and an audit event, and is called the same way by pages, APIs and commands."""

from egov.registry.services.businesses import (
    business_correct,
    business_register,
    business_status_change,
)
from egov.registry.services.reads import (
    business_shown,
    businesses_listed,
    household_shown,
    resident_record_shown,
    resident_shown,
    residents_listed,
    vehicle_shown,
    vehicles_listed,
)
from egov.registry.services.residents import (
    birth_register,
    death_register,
    divorce_register,
    household_move,
    marriage_register,
    move_register,
    parent_link,
    resident_correct,
    resident_register,
    resident_rrn_reveal,
)
from egov.registry.services.vehicles import vehicle_correct, vehicle_register, vehicle_transfer

__all__ = [
    "birth_register",
    "business_correct",
    "business_register",
    "business_status_change",
    "business_shown",
    "businesses_listed",
    "death_register",
    "divorce_register",
    "household_move",
    "household_shown",
    "marriage_register",
    "move_register",
    "parent_link",
    "resident_correct",
    "resident_record_shown",
    "resident_shown",
    "resident_register",
    "resident_rrn_reveal",
    "residents_listed",
    "vehicle_correct",
    "vehicle_register",
    "vehicle_transfer",
    "vehicle_shown",
    "vehicles_listed",
]
