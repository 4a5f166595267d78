"""sosgen: run a scrum of scrums from a Git repository."""

__version__ = "0.1.0"
