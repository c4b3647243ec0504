"""Analyst tables: one Parquet file per (job, directory) outcome, queryable with DuckDB/pandas."""
