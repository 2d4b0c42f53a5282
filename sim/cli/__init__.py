"""The ``tabletop`` command: the top layer, which wires the others together.

``main`` parses the command line (:mod:`sim.cli.parser`), runs the subcommand
(:mod:`sim.cli.commands`) and turns the library's errors into messages and exit
statuses (:mod:`sim.cli.errors`). Nothing below this layer imports it.
"""

from sim.cli.main import main

__all__ = ["main"]
