"""Two operators press 接警 at the same moment: the row lock makes the first claim win and refuses the second.
Real threads on PostgreSQL (SQLite's in-memory test database is one shared connection: nothing to race)."""

import threading

import pytest
from django.db import connection

from yanglao.alarms import errors
from yanglao.alarms.choices import ActionKind
from yanglao.alarms.models import AlarmAction
from yanglao.alarms.services import console as services
from yanglao.alarms.tests.console_builders import another_operator, raise_alarm, reload


def test_of_two_simultaneous_claims_exactly_one_wins(transactional_db, person, operator):
    # The fixture by name (not the marker): the suite's teardown hook then reloads the reference data.
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections (PostgreSQL)")
    alarm = raise_alarm(person)
    rival = another_operator("rival_operator")
    start = threading.Barrier(2)
    results: dict[int, str] = {}

    def claim(user) -> None:
        try:
            start.wait()
            services.alarm_claim(actor=user, alarm_id=alarm.pk)
            results[user.pk] = "won"
        except errors.AlarmRefused as exc:
            results[user.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in (operator, rival)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["alarms.claimed_by_other", "won"]
    winner = next(pk for pk, outcome in results.items() if outcome == "won")
    assert reload(alarm).claimed_by_id == winner
    claims = AlarmAction.objects.unscoped(reason="test").filter(alarm=alarm, kind=ActionKind.CLAIM)
    assert [c.actor_id for c in claims] == [winner]
