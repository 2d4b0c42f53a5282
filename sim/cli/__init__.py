"""The ``tabletop`` command: the top layer, which wires the others together.

``main`` parses the command line (:mod:`sim.cli.parser`), runs the subcommand
(:mod:`sim.cli.commands`) and turns the library's errors into messages and exit
statuses (:mod:`sim.cli.errors`). Nothing below this layer imports it. ``console`` is
the ``tabletop`` console script: ``main`` in a process that ends when it returns.
"""

from sim.cli.main import console, main

__all__ = ["console", "main"]
