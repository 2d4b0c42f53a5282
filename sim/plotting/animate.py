"""The run as an animation: ``replay.gif`` (and ``replay.mp4`` when ffmpeg is present).

One picture per moment: the schedule filling in behind a moving clock line, a gauge
per resource (units in use against capacity, capacity taken by injects shaded), and
a caption for each inject as it hits (id, effect and description, shown for a few
frames). Pure: a :class:`~sim.results.RunResult` in, files out; nothing is simulated.

The parts are in :mod:`sim.plotting.animation`: the frames (:func:`plan_frames`), the
picture (drawn once; each frame redraws only what changes) and the encoders. Frames
are palette-reduced against one shared palette, so the GIF stores only the pixels
that change from frame to frame.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib import rc_context, rcParams
from PIL import Image

from sim.core.files import write_bytes_atomic
from sim.plotting.animation.frames import (
    CAPTION_SLOTS,
    DEFAULT_FRAMES,
    END_HOLD_S,
    FRAME_S,
    INJECT_HOLD_S,
    FrameSpec,
    plan_frames,
)
from sim.plotting.animation.mp4 import MP4_FPS, Mp4
from sim.plotting.animation.palette import Quantizer
from sim.plotting.animation.picture import Picture
from sim.results import RunResult

GIF_NAME = "replay.gif"
MP4_NAME = "replay.mp4"
SIZE = (900, 600)  # pixels
PILLOW_HELP = ("replay.gif needs Pillow (the Python imaging library), which cannot be "
               "imported; install it with: pip install 'pillow>=10'")

__all__ = ["END_HOLD_S", "FRAME_S", "GIF_NAME", "INJECT_HOLD_S", "MP4_FPS", "MP4_NAME",
           "SIZE", "AnimationFiles", "AnimationUnavailable", "FrameSpec", "ffmpeg_path",
           "gif_bytes", "palette_samples", "plan_frames", "write_animation"]


class AnimationUnavailable(RuntimeError):
    """What the animation needs is missing (Pillow); says what and how to get it."""


@dataclass(slots=True)
class AnimationFiles:
    """What :func:`write_animation` wrote, and notes on what it did not (no ffmpeg...)."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    frames: int = 0


def _pillow_available() -> bool:
    """Whether Pillow can be imported (a function, so tests can pretend it cannot)."""
    try:
        import PIL.Image  # noqa: F401  (Pillow: the optional part this checks for)
    except ImportError:
        return False
    return True


def ffmpeg_path() -> str | None:
    """The ffmpeg executable matplotlib would use (``animation.ffmpeg_path``), if found."""
    return shutil.which(str(rcParams["animation.ffmpeg_path"]))


def palette_samples(specs: Sequence[FrameSpec]) -> list[int]:
    """The frames the GIF's palette is taken from: the last, three through the run, and
    the first with two captions and with one."""
    last = len(specs) - 1
    sample = [last, *(last * i // 4 for i in range(1, 4))]
    sample += [k for k, s in enumerate(specs) if len(s.captions) == CAPTION_SLOTS][:1]
    sample += [k for k, s in enumerate(specs) if s.captions][:1]
    return list(dict.fromkeys(sample))


def _frames(picture: Picture, specs: Sequence[FrameSpec],
            encoder: Mp4 | None) -> list[Image.Image]:
    """Every frame rendered, palette-reduced (and piped to the MP4 encoder)."""
    last = len(specs) - 1
    quantize = Quantizer([picture.render(specs[k], k == last) for k in palette_samples(specs)],
                         picture.colours)
    images = []
    for k, spec in enumerate(specs):
        rgb = picture.render(spec, k == last)
        if encoder is not None:
            encoder.add(rgb.tobytes(), spec.seconds)
        images.append(quantize(rgb))
    return images


def gif_bytes(images: Sequence[Image.Image], specs: Sequence[FrameSpec]) -> bytes:
    """The GIF of ``images`` shown for their frames' durations, looping."""
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=list(images[1:]),
                   duration=[round(s.seconds * 1000) for s in specs], loop=0, optimize=True,
                   disposal=1)
    return buffer.getvalue()


def write_animation(result: RunResult, out: Path, *, plan: RunResult | None = None,
                    frames: int = DEFAULT_FRAMES, size: tuple[int, int] = SIZE,
                    mp4: bool | None = None, caption_frames: int | None = None,
                    ) -> AnimationFiles:
    """Write ``replay.gif`` (and ``replay.mp4``) into ``out``; return what was written.

    ``frames`` is the frame budget (see :func:`plan_frames`), ``size`` the picture in
    pixels. ``mp4``: ``None`` writes the MP4 when an ffmpeg executable is found (else a
    note says it was skipped), ``True`` insists (a note says why not), ``False`` never.
    ``plan`` (a run made with ``plan=True``) adds the plan's ghost bars. Raises
    :class:`AnimationUnavailable` when Pillow cannot be imported. Files are written
    under temporary names and renamed: complete or absent.
    """
    if not _pillow_available():
        raise AnimationUnavailable(PILLOW_HELP)
    specs = plan_frames(result, frames, caption_frames=caption_frames)
    files = AnimationFiles(frames=len(specs))
    ffmpeg = ffmpeg_path() if mp4 is not False else None
    if mp4 is not False and ffmpeg is None:
        files.notes.append("no ffmpeg executable found: replay.mp4 not written "
                           "(replay.gif has the same animation)")
    encoder = Mp4(ffmpeg, out / MP4_NAME, size) if ffmpeg else None
    try:
        with rc_context({"text.hinting": "no_hinting"}):  # as the charts: faster, as good
            picture = Picture(result, plan, size)
            picture.draw_background()
            images = _frames(picture, specs, encoder)
        write_bytes_atomic(out / GIF_NAME, gif_bytes(images, specs))
    except BaseException:
        if encoder is not None:
            encoder.abort()
        raise
    files.written.append(out / GIF_NAME)
    if encoder is not None:
        why = encoder.close()
        if why is None:
            files.written.append(out / MP4_NAME)
        else:
            files.notes.append(f"ffmpeg failed ({why}): replay.mp4 not written")
    return files
