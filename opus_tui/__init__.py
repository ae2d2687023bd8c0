"""opus-tui: configure Opus Dental's online booking from a terminal."""

__version__ = "0.1.0"
