"""What each role may do, as data: role → Django permissions of its group. Later modules add their own."""

from yanglao.core.choices import Role

# Roles whose scope is a set of regions, and roles whose scope is an organisation (PRODUCT.md, roles).
REGION_ROLES = {Role.GOV_ADMIN, Role.GOVERNMENT, Role.OPERATOR, Role.ADVISOR}
ORGANISATION_ROLES = {Role.PROVIDER, Role.CAREGIVER, Role.ASSESSOR}

PERMISSIONS: dict[str, list[str]] = {
    Role.GOV_ADMIN: [
        "core.view_region",
        "core.view_organisation",
        "core.add_organisation",
        "core.change_organisation",
        "core.view_audit",
    ],
    Role.GOVERNMENT: [
        "core.view_region",
        "core.view_organisation",
        "core.add_organisation",
        "core.change_organisation",
    ],
    Role.ASSESSOR: ["core.view_organisation"],
    Role.PROVIDER: ["core.view_organisation", "core.change_organisation"],
    Role.CAREGIVER: ["core.view_organisation"],
    Role.OPERATOR: ["core.view_region", "core.view_organisation"],
    Role.ADVISOR: ["core.view_region", "core.view_organisation"],
    Role.FAMILY: [],
}


def register(role: str, permissions: list[str]) -> None:
    """Let a later app grant its permissions to a role without editing core."""
    PERMISSIONS.setdefault(role, [])
    for perm in permissions:
        if perm not in PERMISSIONS[role]:
            PERMISSIONS[role].append(perm)
