"""Form plans cached in Postgres by (directory, fingerprint): a form seen before costs no
model call; a changed form has a new fingerprint and gets a new plan. Implements
`forms.mapper.PlanCache`; the forms side knows only that protocol."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from directory_pipeline.forms.plan import FormPlan
from directory_pipeline.settings import Settings
from directory_pipeline.store.database import connect


class PostgresPlanCache:
    """The `form_plans` table."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def get(self, directory_slug: str, fingerprint: str) -> FormPlan | None:
        with connect(self.dsn) as conn:
            row = conn.execute(
                """update form_plans set use_count = use_count + 1, last_used_at = now()
                   where directory_slug = %s and fingerprint = %s
                   returning plan""",
                (directory_slug, fingerprint),
            ).fetchone()
        return FormPlan.model_validate(row["plan"]) if row else None

    def put(self, directory_slug: str, plan: FormPlan) -> None:
        with connect(self.dsn) as conn:
            conn.execute(
                """insert into form_plans (directory_slug, fingerprint, plan)
                   values (%s, %s, %s)
                   on conflict (directory_slug, fingerprint) do update
                   set plan = excluded.plan, last_used_at = now()""",
                (directory_slug, plan.fingerprint, Jsonb(plan.model_dump(mode="json"))),
            )

    def fingerprints(self, directory_slug: str) -> list[str]:
        with connect(self.dsn) as conn:
            rows = conn.execute(
                "select fingerprint from form_plans where directory_slug = %s order by created_at",
                (directory_slug,),
            ).fetchall()
        return [r["fingerprint"] for r in rows]


def plan_cache_from(settings: Settings) -> PostgresPlanCache | None:
    """The deployment's plan cache; none when no database is configured (plans are then
    made afresh each time)."""
    return PostgresPlanCache(settings.database_url) if settings.database_url else None
