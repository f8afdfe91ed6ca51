"""giaoban-site: a static news and archive site generator for Vietnamese public bodies."""

__version__ = "0.1.0"
