"""Transitional: the command line's shared pieces moved to analytics.commands.common."""

from analytics.commands.common import db_parent, filter_parent, filters_from_args, open_db, print_csv

__all__ = ["db_parent", "filter_parent", "filters_from_args", "open_db", "print_csv"]
