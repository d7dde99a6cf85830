"""The benefits lists as ``.xlsx`` / CSV (core.exports): names as the pages show them, no identity or account numbers;
the bank's file is the only place those are in clear (paymentfile.py)."""

from __future__ import annotations

from yanglao.benefits import filters, selectors
from yanglao.core import exports


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


PAYMENT_HEADERS = (
    "明细编号",
    "老人",
    "社区代码",
    "补贴项目",
    "所属月份",
    "类别",
    "标准档",
    "金额（元）",
    "发放状态",
    "享受依据",
)


def _payment_row(p, clear: bool, context: dict) -> list:
    return [
        p.pk,
        p.elder.name,
        p.region_id,
        p.policy.name,
        f"{p.month:%Y-%m}",
        p.get_kind_display(),
        p.band,
        f"{p.amount:.2f}",
        p.get_status_display(),
        p.basis,
    ]


PAYMENTS = exports.ListExport(
    kind="benefits.payments",
    title="补贴发放明细",
    filename="benefit-payments",
    filterset=filters.PaymentFilterSet,
    masked_headers=PAYMENT_HEADERS,
    clear_headers=PAYMENT_HEADERS,
    row=_payment_row,
    permission="benefits.view_payment",
)

APPLICATION_HEADERS = (
    "申请编号",
    "申请时间",
    "老人",
    "所属社区",
    "补贴项目",
    "申请方式",
    "状态",
    "街道初审意见",
    "区县审核意见",
)


def _application_row(a, clear: bool, context: dict) -> list:
    return [
        a.pk,
        _when(a.submitted_at),
        a.elder.name,
        a.region.name,
        a.policy_name,
        a.get_applicant_display(),
        a.get_status_display(),
        a.street_note,
        a.district_note,
    ]


APPLICATIONS = exports.ListExport(
    kind="benefits.applications",
    title="补贴申请",
    filename="benefit-applications",
    filterset=filters.ApplicationFilterSet,
    masked_headers=APPLICATION_HEADERS,
    clear_headers=APPLICATION_HEADERS,
    row=_application_row,
    permission="benefits.view_benefitapplication",
)

RECOVERY_HEADERS = (
    "编号",
    "老人",
    "社区代码",
    "补贴项目",
    "所属月份",
    "应追回金额（元）",
    "原因",
    "状态",
    "处理说明",
)


def _recovery_row(r, clear: bool, context: dict) -> list:
    return [
        r.pk,
        r.elder.name,
        r.region_id,
        context["names"].get(r.policy_code, r.policy_code),
        f"{r.month:%Y-%m}",
        f"{r.amount:.2f}",
        r.reason,
        r.get_status_display(),
        r.settle_note,
    ]


RECOVERIES = exports.ListExport(
    kind="benefits.recoveries",
    title="追回台账",
    filename="benefit-recoveries",
    filterset=filters.RecoveryFilterSet,
    masked_headers=RECOVERY_HEADERS,
    clear_headers=RECOVERY_HEADERS,
    row=_recovery_row,
    permission="benefits.view_recovery",
    prepare_context=lambda user: {"names": selectors.policy_names(user=user)},
)
