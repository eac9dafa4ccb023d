"""Dashboards and reports: figures from the database, SVG charts, the quarterly report."""
