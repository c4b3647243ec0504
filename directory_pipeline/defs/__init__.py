"""Dagster definitions by concern: resources, assets, checks, sensors."""
