"""Orders at scale for the benchmarks: ``INSERT … SELECT generate_series`` into ``services_serviceorder``.

Order ``g`` (1 … ``orders``) goes to offering ``g % providers`` (the offerings in id order, one per provider),
to person ``g % elders`` (the people in id order) and, when caregivers are given, to caregiver
``(g / providers) % per_provider`` of that offering's provider — so a caregiver only ever serves their own
provider's orders. ``start`` and ``status`` are SQL expressions of ``g`` (the order's start time and state);
the rest of the row is a plausible confirmed visit. Nothing here goes through the ORM: a million rows take
about two minutes on this machine, the ORM would take an hour.
"""

from __future__ import annotations

# The settlement benchmark's month: 31 days of March 2026 from 08:00 Beijing time, ten start hours a day.
MARCH_2026_START = (
    "timestamptz '2026-03-01 08:00+08' + (g % 31) * interval '1 day' + (g % 10) * interval '1 hour'"
)
CONFIRMED_OR_RATED = "CASE WHEN g % 10 = 0 THEN 'rated' ELSE 'confirmed' END"


def insert_orders(
    cursor,
    *,
    orders: int,
    item_id: int,
    placed_by_id: int,
    start: str = MARCH_2026_START,
    status: str = CONFIRMED_OR_RATED,
    with_caregivers: bool = False,
) -> None:
    """Insert ``orders`` orders over every offering and person in the database (and every active caregiver
    when ``with_caregivers``). Each visit lasts one hour. Run ``ANALYZE`` afterwards."""
    offering = (
        "SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, provider_id FROM services_serviceoffering"
    )
    elder = "SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, region_code FROM people_elder"
    cursor.execute(
        f"""
        DROP TABLE IF EXISTS bench_offering, bench_elder, bench_caregiver;
        CREATE TEMP TABLE bench_offering AS {offering};
        CREATE TEMP TABLE bench_elder AS {elder};
        CREATE TEMP TABLE bench_caregiver AS
        SELECT row_number() OVER (PARTITION BY provider_id ORDER BY id) - 1 AS n, id, provider_id
        FROM services_caregiver WHERE active;
        CREATE INDEX ON bench_caregiver (provider_id, n);
        """
    )
    cursor.execute("SELECT count(*) FROM bench_offering")
    (providers,) = cursor.fetchone()
    cursor.execute("SELECT count(*) FROM bench_elder")
    (elders,) = cursor.fetchone()
    per_provider = 0
    if with_caregivers:
        cursor.execute(
            "SELECT min(c) FROM (SELECT count(*) AS c FROM bench_caregiver GROUP BY provider_id) t"
        )
        (per_provider,) = cursor.fetchone()
        if not per_provider:
            raise ValueError("with_caregivers: some provider has no caregiver")
    caregiver_col = (
        "(SELECT c.id FROM bench_caregiver c WHERE c.provider_id = o.provider_id"
        f" AND c.n = (g / {providers}) %% {per_provider})"
        if with_caregivers
        else "NULL"
    )
    end = f"({start}) + interval '1 hour'"
    # %% because the statement goes through the driver's parameter substitution.
    start_sql, end_sql = start.replace("%", "%%"), end.replace("%", "%%")
    status_sql = status.replace("%", "%%")
    cursor.execute(
        f"""
        INSERT INTO services_serviceorder (
            client_key, elder_id, region_code, provider_id, offering_id, item_id, quantity,
            scheduled_start, scheduled_end, unit_price, contracted_price, covered_units, government_yuan,
            self_pay_yuan, hours_used, yuan_used, status, channel, placed_by_id, note, cancel_reason,
            created_at, checklist, visit_note, photos, synced_late, confirm_code, confirmed_via,
            rating_comment, abort_reason, confirmed_at, photo_files, caregiver_id
        )
        SELECT 'bench-' || g, e.id, e.region_code, o.provider_id, o.id, %(item)s, 1,
               {start_sql}, {end_sql},
               45, 38, 1, 38.00 - (g %% 3), 7.00 + (g %% 3), 1, 0,
               {status_sql}, 'advisor', %(placed_by)s, '', '',
               now(), '[]'::jsonb, '', 1, false, '', 'code', '', '', now(), '[]'::jsonb, {caregiver_col}
        FROM generate_series(1, %(orders)s) AS g
        JOIN bench_offering o ON o.n = g %% %(providers)s
        JOIN bench_elder e ON e.n = g %% %(elders)s
        """,
        {
            "item": item_id,
            "placed_by": placed_by_id,
            "orders": orders,
            "providers": providers,
            "elders": elders,
        },
    )
