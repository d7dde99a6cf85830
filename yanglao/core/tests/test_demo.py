"""The demo generator is deterministic, idempotent and produces valid, well-placed data."""

import io
import random

import pytest
from django.core.management import CommandError, call_command

from yanglao.core import creditcode, demo
from yanglao.core.models import Organisation, Region, User

pytestmark = pytest.mark.django_db


def snapshot():
    qs = Organisation.objects.unscoped(reason="test snapshot").order_by("region", "name")
    return list(qs.values_list("name", "kind", "ownership", "region", "lat", "lng", "credit_code"))


def test_seed_is_deterministic_and_idempotent(django_db_blocker):
    ctx = demo.run(scale=0.002, seed=7, steps=["organisations"], log=lambda _: None)
    first = snapshot()
    assert ctx.stats["organisations"] == len(first) > 300
    again = demo.run(scale=0.002, seed=7, steps=["organisations"], log=lambda _: None)
    assert again.stats["organisations"] == 0
    assert snapshot() == first

    # The same seed gives the same network; another seed another one.
    def specs(seed):
        ctx = demo.SeedContext(
            profile="xuhui",
            scale=0.002,
            seed=seed,
            rng=random.Random(f"{seed}:organisations"),
            log=lambda _: None,
        )
        return demo._organisation_specs(ctx)

    assert specs(7) == specs(7) != specs(8)


def test_seed_matches_the_xuhui_figures_and_is_valid():
    demo.run(scale=0.002, seed=1, steps=["organisations"], log=lambda _: None)
    orgs = Organisation.objects.unscoped(reason="test")
    assert orgs.filter(kind="institution").count() + orgs.filter(kind="elder_care_home").count() == 57
    assert orgs.filter(kind="elder_care_home").count() == 14
    assert orgs.filter(kind="community_centre").count() == 13
    assert orgs.filter(kind="day_care").count() == 28
    assert orgs.filter(kind__in=["meal_site", "canteen"]).count() == 107
    assert orgs.filter(kind="advisor_point").count() == 29
    centres = demo.region_centres()
    for org in orgs:
        assert creditcode.validate(org.credit_code)
        assert org.region_id.startswith("310104")
        # Near its own committee's generated centre, else its street's (never piled on the district centre).
        lat, lng = centres.get(org.region_id) or centres.get(org.region_id[:9] + "000", (31.1885, 121.4365))
        near = 0.003 if org.region_id[9:] != "000" else 0.01
        assert abs(org.lat - lat) < near and abs(org.lng - lng) < near
    streets = {o.region_id[:9] for o in orgs.filter(kind="meal_site")}
    assert len(streets) >= 10  # spread over the district, not piled in one street


def test_every_demo_account_exists_with_its_role():
    ctx = demo.run(scale=0.002, seed=1, steps=["accounts"], log=lambda _: None)
    usernames = {username for _, username, _ in ctx.accounts}
    assert usernames >= {"admin", *(a[0] for a in demo.DEMO_ACCOUNTS)}  # later modules may add their own
    for username, _, role, regions, _ in demo.DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.role == role and user.check_password(demo.DEMO_PASSWORD)
        assert sorted(user.regions.values_list("code", flat=True)) == sorted(regions)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        demo.run(profile="atlantis", log=lambda _: None)
    with pytest.raises(ValueError):
        demo.run(scale=0, log=lambda _: None)


def names(steps=None):
    return [s.name for s in demo.plan(steps)]


def test_a_step_brings_the_steps_it_needs_in_order():
    assert names(["people"]) == ["regions", "people"]
    assert names(["accounts"]) == ["regions", "organisations", "accounts"]
    # An app's label stands for its steps; the assessments read people, assessors and the agency.
    assert names(["assessment"]) == ["regions", "organisations", "accounts", "people", "assessments"]
    assert names(["facilities"]) == ["regions", "organisations", "people", "facilities"]
    assert names(["core"]) == names(["accounts", "regions"]) == names("accounts")
    everything = names()
    assert set(everything) == {s.name for s in demo.STEPS}  # by default every registered step runs
    for i, step in enumerate(demo.plan()):
        assert set(step.needs) <= set(everything[:i]), step.name


def test_unknown_or_misregistered_steps_are_refused(monkeypatch):
    with pytest.raises(ValueError, match="atlantis"):
        demo.run(steps=["people", "atlantis"], log=lambda _: None)
    with pytest.raises(CommandError, match="atlantis"):
        call_command("seed", "--steps", "atlantis", stdout=io.StringIO())

    def seed_nothing(ctx):
        pass

    monkeypatch.setattr(demo, "STEPS", [*demo.STEPS, demo.Step("orphan", seed_nothing, needs=("nowhere",))])
    with pytest.raises(RuntimeError, match="nowhere"):
        demo.plan(["orphan"])


def test_seed_command_runs_every_step_unless_told_otherwise(monkeypatch):
    asked = []

    def run(*, steps, **kwargs):
        asked.append(steps)
        return demo.SeedContext(profile="xuhui", scale=0.05, seed=1, rng=random.Random(1), log=print)

    monkeypatch.setattr(demo, "run", run)
    call_command("seed", stdout=io.StringIO())
    call_command("seed", "--steps", " people, facilities ", stdout=io.StringIO())
    assert asked == [None, ["people", "facilities"]]


def test_seed_command_with_steps_writes_only_those():
    out = io.StringIO()
    call_command("seed", "--steps", "regions", "--scale", "0.001", stdout=out)
    assert Region.objects.filter(code=demo.XUHUI, boundary__isnull=False).exists()
    assert not Organisation.objects.unscoped(reason="test").exists()
    assert not User.objects.exists()
    assert "演示步骤：regions" in out.getvalue()
