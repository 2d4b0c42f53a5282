"""The formats planners already use, in and out: MSEL spreadsheets, calendars, project files.

Exports consume a scenario or a finished run (never the engine); imports turn a sheet back
into scenario data checked with the scenario format's own codes.
"""
