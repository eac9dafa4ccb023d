"""The dashboards' table rows, written in Python (replication/dashboard/tables.py)."""

from __future__ import annotations

from django import template

from replication.dashboard import tables

register = template.Library()

register.simple_tag(tables.matrix_rows)
register.simple_tag(tables.map_rows)
register.simple_tag(tables.bar_rows)
register.simple_tag(tables.result_rows)
register.simple_tag(tables.innovation_rows)
register.simple_tag(tables.public_innovation_rows)
register.simple_tag(tables.due_rows)
