"""The figures a sweep can chart across its grid, with their descriptions (pure data)."""

from __future__ import annotations

KPIS = {
    "p_on_time": "P(finish on time)",
    "end_mean_h": "mean end (hours from D1 00:00)",
    "end_p50_h": "P50 end (hours)",
    "end_p90_h": "P90 end (hours)",
    "p_within_limit": "P(limited phases within their limit)",
    "p_holds": "P(holds as planned: every phase by its due time, every limit kept)",
}
