"""Never a traceback: whatever the bytes, the reader and the validator return diagnostics."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctai_cli.validate import ValidateOptions, validate
from ctai_cli.yamlread import parse_text
from tests.conftest import DAX

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#,? \t\n01.eé~%@`")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_reader_never_raises(text: str) -> None:
    document, diagnostics = parse_text(text, "f.yaml")
    assert document is not None or diagnostics or not text.strip()
    for diagnostic in diagnostics:
        assert diagnostic.code.startswith("CTAI-")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["contrat.yaml", "porteurs.yaml", "actions/2024.yaml", "bilans/2023.yaml"]),
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["", "  x: [", "\t", "- 1", "no", "  montant: 1.5", "annee: 'x'", "&a *a", "---"]),
)
def test_validator_never_raises_on_edited_files(tmp_path_factory, name: str, line: int, insert: str) -> None:
    root = tmp_path_factory.mktemp("c") / "dax"
    shutil.copytree(DAX, root)
    target = root / name
    lines = target.read_text(encoding="utf-8").splitlines()
    index = line % (len(lines) + 1)
    lines[index:index] = [insert]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(ValidateOptions(paths=(Path(root),), date=date(2025, 1, 1)))
    assert result.exit_code() in (0, 1)
    for diagnostic in result.diagnostics:
        assert diagnostic.path.startswith(root.as_posix())
