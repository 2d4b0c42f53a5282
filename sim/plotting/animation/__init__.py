"""The parts of the run's animation (:mod:`sim.plotting.animate` writes it).

:mod:`~sim.plotting.animation.frames` plans the frames (pure Python); the scene
(:mod:`~sim.plotting.animation.scene`) is a figure drawn once, whose header,
schedule, resource gauges and inject captions (one module each) change per frame;
:mod:`~sim.plotting.animation.palette` and :mod:`~sim.plotting.animation.mp4` turn
the frames into a GIF's palette images and an MP4.
"""
