"""docs/reference/errors.md documents exactly the problem codes the loader can produce."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reference" / "errors.md"
SOURCES = sorted((ROOT / "sim" / "scenario").glob("*.py"))

CODE = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+"
# The code is the first argument of source.problem(...), _error(...), Problem(...) and the
# argument after the file name of scenario_error(name, ...) and _fail(name, ...).
CALL = re.compile(
    rf'(?:\.problem|\bscenario_error|\b_fail|\b_error|\bProblem)\(\s*(?:[\w.]+,\s*)?"({CODE})"'
)
TABLE_ROW = re.compile(rf"^\| `({CODE})` \| (error|warning) \|", re.MULTILINE)
HEADING = re.compile(rf"^### `({CODE})`$", re.MULTILINE)


def _calls(text: str) -> list[tuple[str, str]]:
    """(code, the whole call's text) for each call that creates a problem."""
    found = []
    for match in CALL.finditer(text):
        depth, end = 0, match.start()
        for end in range(text.index("(", match.start()), len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        found.append((match.group(1), text[match.start() : end + 1]))
    return found


def source_codes() -> dict[str, str]:
    """Every code in sim/scenario, with its severity."""
    codes: dict[str, str] = {}
    for path in SOURCES:
        for code, call in _calls(path.read_text(encoding="utf-8")):
            severity = "warning" if 'severity="warning"' in call else "error"
            assert codes.get(code, severity) == severity, f"{code} is both error and warning"
            codes[code] = severity
    return codes


def doc_sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    starts = [(m.group(1), m.end()) for m in HEADING.finditer(text)]
    sections = {}
    for i, (code, start) in enumerate(starts):
        end = text.find("\n#", start) if i + 1 == len(starts) else text.index("\n#", start)
        sections[code] = text[start : end if end != -1 else len(text)]
    return sections


def test_source_scan_finds_the_codes() -> None:
    codes = source_codes()
    assert len(codes) >= 40  # the scan works: codes from every module are found
    assert {"yaml-syntax", "missing-key", "bad-duration", "dependency-cycle"} <= set(codes)
    assert codes["may-not-fit"] == "warning" and codes["never-fits"] == "error"


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    codes = set(source_codes())
    documented = set(doc_sections())
    assert codes - documented == set(), "codes missing from errors.md"
    assert documented - codes == set(), "errors.md documents codes the loader never gives"


def test_summary_table_lists_each_code_once_with_its_severity() -> None:
    rows = TABLE_ROW.findall(DOC.read_text(encoding="utf-8"))
    assert len(rows) == len({code for code, _ in rows})
    assert dict(rows) == source_codes()


def test_each_section_has_severity_meaning_example_and_fix() -> None:
    codes = source_codes()
    for code, section in doc_sections().items():
        assert f"- **Severity:** {codes[code]}\n" in section, code
        assert "- **Means:** " in section, code
        assert "- **Fix:** " in section, code
        example = re.search(r"- \*\*Example:\*\* `(.+)`$", section, re.MULTILINE)
        assert example, code
        assert re.match(rf"^\S+:\d+:\d+: {codes[code]}\[{code}\] \S+", example.group(1)), code
