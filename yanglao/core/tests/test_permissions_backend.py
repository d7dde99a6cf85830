"""The one-query permission backend answers exactly as Django's ``ModelBackend`` does, for every role."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yanglao.core.choices import Role
from yanglao.core.errors import InvalidRole
from yanglao.core.models import User
from yanglao.core.permissions import PermissionBackend
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache, as on each API request


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_what_django_would_give(role):
    try:
        user = factories.user(role=role, regions=["310104003000"])
    except InvalidRole:  # roles that belong to an organisation
        user = factories.user(
            role=role,
            regions=["310104003000"],
            organisation=factories.organisation(region_code="310104003000"),
        )
    ours, django_s = (
        PermissionBackend().get_all_permissions(fresh(user)),
        ModelBackend().get_all_permissions(fresh(user)),
    )
    assert ours == django_s


def test_own_and_group_permissions_are_joined_in_one_query():
    user = factories.user(role="advisor", regions=["310104003000"])
    extra = Permission.objects.get(codename="view_group")
    user.user_permissions.add(extra)
    group = Group.objects.create(name="临时组")
    group.permissions.add(Permission.objects.get(codename="change_group"))
    user.groups.add(group)
    subject = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        perms = PermissionBackend().get_all_permissions(subject)
        assert subject.has_perm("auth.view_group") and subject.has_perm("auth.change_group")
    assert len(queries) == 1
    assert {"auth.view_group", "auth.change_group"} <= perms
    assert perms == ModelBackend().get_all_permissions(fresh(user))


def test_inactive_users_and_object_checks_get_nothing_superusers_everything():
    user = factories.user(role="advisor", regions=["310104003000"])
    assert PermissionBackend().get_all_permissions(fresh(user), obj=user) == set()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert PermissionBackend().get_all_permissions(fresh(user)) == set()
    User.objects.filter(pk=user.pk).update(is_active=True, is_superuser=True)
    assert len(PermissionBackend().get_all_permissions(fresh(user))) == Permission.objects.count()


def test_a_user_without_permissions_has_none():
    user = factories.user(role="advisor", regions=["310104003000"])
    user.groups.clear()
    assert PermissionBackend().get_all_permissions(fresh(user)) == set()
    assert not fresh(user).has_perm("services.add_serviceorder")
