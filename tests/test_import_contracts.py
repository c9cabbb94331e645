"""The import rules of pyproject.toml's [tool.importlinter] hold: the layers (core, accounts,
registry, exchange and documents, the feature apps, the entry points), the feature apps'
independence and that no page imports another app's pages. `make test` runs `lint-imports`
too; this test makes a broken rule fail the suite wherever it runs."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "0 broken" in report
