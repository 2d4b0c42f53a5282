"""The animation as an MP4: raw RGB frames piped into ffmpeg (H.264, yuv420p)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import uuid
from pathlib import Path

MP4_FPS = 25  # the MP4 repeats frames to keep the GIF's timing


class Mp4:
    """An ffmpeg process writing ``path``; frames are repeated to keep their timing."""

    def __init__(self, ffmpeg: str, path: Path, size: tuple[int, int]) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp.mp4")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close() or abort())
        self.ticks = 0.0  # time written so far, in MP4 frames
        self.sent = 0
        width, height = size
        self.proc = subprocess.Popen(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo",
             "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", str(MP4_FPS),
             "-i", "-", "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
             "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
             "-movflags", "+faststart", str(self.tmp)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log)
        self.failed: str | None = None

    def add(self, frame: bytes, seconds: float) -> None:
        """One frame (RGB bytes), shown for ``seconds``."""
        if self.failed:
            return
        self.ticks += seconds * MP4_FPS
        repeat = max(1, round(self.ticks) - self.sent)
        assert self.proc.stdin is not None
        try:
            for _ in range(repeat):
                self.proc.stdin.write(frame)
            self.sent += repeat
        except (BrokenPipeError, OSError) as exc:
            self.failed = str(exc)

    def close(self) -> str | None:
        """Finish the file; returns why it failed, or ``None``."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        code = self.proc.wait()
        self.log.seek(0)
        err = self.log.read().decode("utf-8", "replace").strip().splitlines()
        self.log.close()
        if code != 0 or self.failed or not self.tmp.is_file():
            self.tmp.unlink(missing_ok=True)
            return (err[-1] if err else self.failed) or f"ffmpeg exit status {code}"
        os.replace(self.tmp, self.path)
        return None

    def abort(self) -> None:
        """Stop ffmpeg and leave nothing behind."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.tmp.unlink(missing_ok=True)
