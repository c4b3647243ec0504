"""The directory_pipeline code location."""

import dagster as dg

from directory_pipeline.defs.catalog import directory_catalog
from directory_pipeline.defs.resources import build_resources

defs = dg.Definitions(
    assets=[directory_catalog],
    resources=build_resources(),
)
