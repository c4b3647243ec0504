"""Running a paid job: every directory of its package, with bounded parallelism."""
