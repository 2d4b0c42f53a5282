"""The lowest layer: time formats and working-day arithmetic, random streams, files."""
