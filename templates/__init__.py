"""Jinja2 templates of every file genmigrate generates."""
