"""The activity network of one run: who waits for whom, and when a phase is complete.

Each activity instance is an :class:`ActivityRun` counting the dependencies it still
waits for (activities, phases, the phases its own phase comes after); when the count
reaches zero it is released to the engine. A phase is complete when all its activities
have finished and every phase it comes after is complete; work added by an inject
reopens it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sim.engine.recorder import Event
from sim.engine.state import DONE, PENDING, ActivityRun, Key, PhaseRun
from sim.engine.wiring import wiring_of
from sim.scenario.model import Activity, Phase, Scenario

KeyOf = Callable[[ActivityRun], Key]


class Network:
    """The runs and phases of one run, and the counting that releases them."""

    def __init__(self, scenario: Scenario, draw: Callable[[Activity], float], key: KeyOf,
                 release: Callable[[ActivityRun], None], log: Callable[[Event], None],
                 always: set[str]) -> None:
        self.draw = draw
        self.key = key
        self.release = release
        self.log = log
        self.always = always  # resources usable around the clock
        self.scenario = scenario
        self.phase_model: dict[str, Phase] = {p.id: p for p in scenario.phases}
        self.phases = {p.id: PhaseRun(p.id, p.start or 0.0) for p in scenario.phases}
        self.day_bound = {p.id: not p.around_the_clock for p in scenario.phases}
        self.runs: dict[str, ActivityRun] = {}
        self.unfinished = 0
        for phase in scenario.phases:
            phase_run = self.phases[phase.id]
            phase_run.after_left = len(phase.after)
            for other in phase.after:
                self.phases[other].phase_dependents.append(phase_run)

    def start(self, now: float) -> None:
        """Create every activity and wire it as the scenario's :class:`Wiring` says (at
        time 0); complete the phases that have nothing to do."""
        wiring = wiring_of(self.scenario)
        draw, phases = self.draw, self.phases
        runs = []
        for act, bound, key, left, ready in wiring.starts:
            run = ActivityRun(act, draw(act), bound)
            run.key = key
            run.deps_left = left
            run.dep_ready = ready
            run.phase = phases[act.phase]
            runs.append(run)
        self.runs.update(zip(wiring.ids, runs, strict=True))
        for pid, size in wiring.phase_size.items():
            phases[pid].left += size
        self.unfinished += len(runs)
        for i, links in wiring.dependents:
            runs[i].dependents = [(runs[j], lag) for j, lag in links]
        for pid, links in wiring.phase_dependents.items():
            phases[pid].dependents = [(runs[j], lag) for j, lag in links]
        release = self.release
        for i in wiring.roots:  # in written order, as wiring them one by one releases them
            release(runs[i])
        for phase_run in phases.values():
            if phase_run.left == 0 and phase_run.after_left == 0:
                self._complete_phase(phase_run, 0.0)

    def add(self, act: Activity, now: float) -> None:
        """An activity that exists from ``now`` on (an ``add_activity`` inject)."""
        phase = self.phases[act.phase]
        if phase.complete:  # the phase ends again when the added work ends
            phase.complete = False
        always = self.always
        bound = self.day_bound[act.phase] or any(r not in always for r, _ in act.needs)
        (run,) = self._create_all((act,), (bound,))
        run.key = self.key(run)  # the key it will have when it becomes ready (fifo: set then)
        self._wire(run, now)

    def _create_all(self, acts: Sequence[Activity], bound: Sequence[bool]) -> list[ActivityRun]:
        """The runs of ``acts``, each counted in its phase, not yet wired; ``bound``: each
        keeps to the working day (unless its phase is around the clock and all its
        resources are ``hours: always``)."""
        runs, phases, draw = self.runs, self.phases, self.draw
        created = []
        for act, day_bound in zip(acts, bound, strict=True):
            run = ActivityRun(act, draw(act), day_bound)
            runs[act.id] = run
            phase = phases[act.phase]
            run.phase = phase
            phase.left += 1
            created.append(run)
        self.unfinished += len(created)
        return created

    def _wire(self, run: ActivityRun, now: float) -> None:
        """Count the dependencies of ``run``; release it when none is left."""
        act = run.act
        for dep in act.after:
            if dep.on_phase:
                target_phase = self.phases[dep.target]
                if target_phase.complete:
                    run.dep_ready = max(run.dep_ready, target_phase.end + dep.lag)
                else:
                    run.deps_left += 1
                    target_phase.dependents.append((run, dep.lag))
                continue
            target = self.runs.get(dep.target)
            if target is None or target.state == DONE:
                end = target.seg_end if target is not None else now
                run.dep_ready = max(run.dep_ready, end + dep.lag)
            else:
                run.deps_left += 1
                target.dependents.append((run, dep.lag))
        for other in self.phase_model[act.phase].after:
            if not self.phases[other].complete:
                run.deps_left += 1
                self.phases[other].dependents.append((run, 0.0))
        if run.deps_left == 0:
            self.release(run)

    def finished(self, run: ActivityRun, now: float) -> None:
        """``run`` has finished at ``now``: tell whoever waits for it, and its phase."""
        release = self.release
        for dependent, lag in run.dependents:  # _dependency_met, inline: the hot path
            ready_from = now + lag
            if ready_from > dependent.dep_ready:
                dependent.dep_ready = ready_from
            dependent.deps_left -= 1
            if dependent.deps_left == 0 and dependent.state == PENDING:
                release(dependent)
        phase = run.phase
        assert phase is not None
        phase.left -= 1
        if phase.left == 0 and phase.after_left == 0 and not phase.complete:
            self._complete_phase(phase, now)
        self.unfinished -= 1

    def _dependency_met(self, run: ActivityRun, ready_from: float) -> None:
        if ready_from > run.dep_ready:
            run.dep_ready = ready_from
        run.deps_left -= 1
        if run.deps_left == 0 and run.state == PENDING:
            self.release(run)

    def _complete_phase(self, phase: PhaseRun, now: float) -> None:
        phase.complete = True
        phase.end = now
        self.log(Event(now, "phase_end", phase=phase.id))
        # whoever waits now: those wired at the start, or (when added work reopened the
        # phase) activities added while it was open again
        dependents, phase.dependents = phase.dependents, []
        for run, lag in dependents:
            self._dependency_met(run, now + lag)
        if phase.notified:
            return
        phase.notified = True
        for other in phase.phase_dependents:
            other.after_left -= 1
            if other.after_left == 0 and other.left == 0 and not other.complete:
                self._complete_phase(other, now)

    def close(self) -> None:
        """Let go of the references between runs and phases (see ``Engine.close``)."""
        for phase in self.phases.values():
            phase.dependents = []
            phase.phase_dependents = []
        for run in self.runs.values():
            run.dependents = []
            run.phase = None
        self.runs.clear()
