"""DomainError: a business rule said no. ``message`` is the Chinese text users see; logs carry ``code``."""

from __future__ import annotations


class DomainError(Exception):
    code = "core.error"
    message = "操作未能完成"
    status = 422

    def __init__(self, message: str | None = None, *, fields: dict[str, str] | None = None, code: str = ""):
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields or {}
        super().__init__(f"{self.code}: {self.message}")


class NotFound(DomainError):
    """Missing and out of scope look the same (Zulip's access functions): 404 with one message."""

    code = "core.not_found"
    message = "记录不存在或不在您的权限范围内"
    status = 404


class UnknownRegion(DomainError):
    code = "core.unknown_region"
    message = "区划代码不存在"


class RegionOutOfScope(DomainError):
    code = "core.region_out_of_scope"
    message = "该区划不在您的管辖范围内"


class InvalidCreditCode(DomainError):
    code = "core.invalid_credit_code"
    message = "统一社会信用代码无效"


class DuplicateOrganisation(DomainError):
    code = "core.duplicate_organisation"
    message = "该组织已登记"


class InvalidCoordinates(DomainError):
    code = "core.invalid_coordinates"
    message = "坐标不在中国境内"


class DivisionFileInvalid(DomainError):
    code = "core.division_file_invalid"
    message = "区划文件格式错误"


class ImportFileInvalid(DomainError):
    """The whole uploaded file is refused (empty, not a workbook, unreadable encoding, broken CSV)."""

    code = "core.import_file_invalid"
    message = "导入文件无法处理"


class WrongHeaders(DomainError):
    code = "core.wrong_headers"
    message = "表头不符合模板"


class InvalidRole(DomainError):
    code = "core.invalid_role"
    message = "角色与所属机构或区划不匹配"


class WrongPassword(DomainError):
    code = "core.wrong_password"
    message = "当前密码不正确"


class WeakPassword(DomainError):
    code = "core.weak_password"
    message = "新密码不符合要求"
