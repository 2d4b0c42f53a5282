"""The facilitator's board: a local web app showing a run live, with what-if at the table.

``tabletop serve`` builds the application with :func:`sim.board.app.build_app` for a
:class:`sim.board.whatif.Base` (a scenario or run directory read by
:mod:`sim.board.targets`). The modules, one concept each, are listed in
``docs/explanation/the-board.md``.
"""
