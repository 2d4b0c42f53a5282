"""The animation's inject panel: the newest injects' captions; between them, those hit so far."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.text import Text

from sim.core.timefmt import format_time
from sim.plotting import style
from sim.plotting.animation.frames import CAPTION_SLOTS, FrameSpec
from sim.plotting.animation.scene import MUTED, PANEL_EDGE, PANEL_FILL, Scene
from sim.plotting.animation.words import clip, wrap
from sim.plotting.rows import shorten
from sim.plotting.timeline import InjectHit
from sim.replay import inject_effect
from sim.results import RunResult
from sim.scenario.model import Inject

IDLE_LINES = 6  # injects listed between captions


class CaptionPanel:
    """A caption per inject as it hits (id, effect and description), newest first."""

    def __init__(self, scene: Scene, result: RunResult, hits: Sequence[InjectHit]) -> None:
        sc = result.scenario
        fs = scene.fs
        self.panel = scene.panel(5.7, 0.0, 9.0, 1.95)
        cx = scene.axes(5.78, 0.14, 8.86, 1.9)
        cx.set_axis_off()
        cx.set_xlim(0.0, 1.0)
        cx.set_ylim(0.0, 1.0)
        cx.add_patch(FancyBboxPatch((0.0, 0.0), 1.0, 1.0,
                                    boxstyle="round,pad=0,rounding_size=0.03",
                                    facecolor=PANEL_FILL, edgecolor=PANEL_EDGE, linewidth=0.8,
                                    transform=cx.transAxes,
                                    mutation_aspect=(1.76 * scene.v) / (3.08 * scene.k)))
        cx.text(0.035, 0.94, f"Injects (MSEL: {len(sc.injects)})", fontsize=8.5 * fs,
                fontweight="bold", color=style.INK, va="top", ha="left")
        self.count = scene.live(cx.text(0.965, 0.94, "", fontsize=7.5 * fs, color=MUTED,
                                        va="top", ha="right"), self.panel)
        self.chars = max(24, int(3.0 * scene.k * 72 / (7.2 * fs * 0.56)))
        self.slots: list[tuple[Text, Text, Rectangle]] = []  # (head, body, mark)
        for slot in range(CAPTION_SLOTS):
            top = 0.79 - slot * 0.40
            mark = Rectangle((0.018, top - 0.34), 0.008, 0.34, facecolor=style.ALERT,
                             edgecolor="none")
            cx.add_patch(mark)
            scene.live(mark, self.panel)
            head = scene.live(cx.text(0.035, top, "", fontsize=8.0 * fs, fontweight="bold",
                                      color=style.ALERT, va="top", ha="left"), self.panel)
            body = scene.live(cx.text(0.035, top - 0.105, "", fontsize=7.2 * fs,
                                      color=style.INK, va="top", ha="left", linespacing=1.15),
                              self.panel)
            self.slots.append((head, body, mark))
        self.idle = scene.live(cx.text(0.035, 0.79, "", fontsize=7.2 * fs, color=MUTED,
                                       va="top", ha="left", linespacing=1.3), self.panel)
        self.injects: dict[str, Inject] = {i.id: i for i in sc.injects}
        self.delay_of = {ev.inject: ev.amount for ev in result.events
                         if ev.kind == "inject" and ev.inject}
        self.hits = list(hits)
        self.hit_time = {hit.id: hit.t for hit in hits}

    def update(self, spec: FrameSpec, last: bool) -> None:
        hit_ids = [h.id for h in self.hits if h.t <= spec.t + 1e-9]
        self.panel.key = (spec.captions, len(hit_ids), last)
        self.count.set_text(f"{len(hit_ids)} hit so far")
        for slot, artists in enumerate(self.slots):
            if slot < len(spec.captions):
                self._caption(spec, slot)
            else:
                for artist in artists:
                    artist.set_visible(False)
        if spec.captions:
            self.idle.set_visible(False)
        else:
            self.idle.set_text(self._idle_text(hit_ids, last))

    def _caption(self, spec: FrameSpec, slot: int) -> None:
        """Caption ``slot`` for its inject: id and time, effect, description (the older faded)."""
        head, body, mark = self.slots[slot]
        width = self.chars
        ident = spec.captions[slot]
        inject = self.injects.get(ident)
        t_hit = self.hit_time.get(ident, spec.t)
        head.set_text(style.plain(shorten(f"INJECT {ident} · {format_time(t_hit)}",
                                                width)))
        lines = 4 if len(spec.captions) == 1 else 2
        text = ""
        if inject is not None:
            effect = inject_effect(inject, self.delay_of.get(ident))
            desc = inject.description or ""
            text = wrap(effect, width, 1)
            if desc:
                text += "\n" + wrap(desc, width, lines - 1 if slot == 0 else 1)
        body.set_text(style.plain(text))
        alpha = 1.0 if slot == 0 else 0.55
        for artist in (head, body, mark):
            artist.set_alpha(alpha)

    def _idle_text(self, hit_ids: list[str], last: bool) -> str:
        """Between captions: the injects that hit so far, one a line (the latest last)."""
        width = self.chars
        lines = []
        for ident in hit_ids[-IDLE_LINES:]:
            inject = self.injects.get(ident)
            effect = inject_effect(inject, self.delay_of.get(ident)) if inject else ""
            lines.append(clip(f"{ident}  {format_time(self.hit_time[ident])}  "
                              f"{effect.split(',')[0]}", width - 2))
        if len(hit_ids) > IDLE_LINES:
            lines.insert(0, f"… and {len(hit_ids) - IDLE_LINES} earlier")
        head = ("The run has ended. Injects that hit:" if last else
                "No inject just now. Hit so far:" if hit_ids else
                "No inject has hit yet.")
        return style.plain("\n".join([head, *lines]))
