"""Refusals of the facilities module; ``message`` is what users read."""

from yanglao.core.errors import DomainError


class InvalidFacility(DomainError):
    code = "facilities.invalid_facility"
    message = "设施信息有误"


class BedUnavailable(DomainError):
    code = "facilities.bed_unavailable"
    message = "床位不可用"


class AdmissionRefused(DomainError):
    code = "facilities.admission_refused"
    message = "不能办理入住"


class DischargeRefused(DomainError):
    code = "facilities.discharge_refused"
    message = "不能办理离开"
