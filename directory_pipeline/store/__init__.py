"""Supabase's Postgres: schema migrations, jobs and results, the directory catalog."""
