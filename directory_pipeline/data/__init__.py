"""Catalog data files: the packages we sell and the directories we submit to."""
