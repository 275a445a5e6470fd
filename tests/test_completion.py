"""Shell completion (issue 30): Typer's, for bash, zsh, fish and PowerShell. What a shell asks, as the
installed script asks it: command names, then the values an option takes."""
from __future__ import annotations

from tests.conftest import run_incidex


def _complete(words: str, cword: int) -> list[str]:
    proc = run_incidex(env={"_INCIDEX_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_commands_complete():
    assert _complete("incidex exp", 1) == ["export"]
    assert {"import", "list", "browse", "redo", "undo"} <= set(_complete("incidex ", 1))


def test_option_values_complete():
    assert _complete("incidex export --format ", 3) == ["json", "csv", "stix", "misp", "markdown"]
    assert _complete("incidex list ", 2) == ["incidents", "actors", "sources"]


def test_the_script_for_a_named_shell_is_printed():
    proc = run_incidex("--show-completion", "bash", env={"SHELL": ""})
    assert proc.returncode == 0, proc.stderr
    assert "_INCIDEX_COMPLETE" in proc.stdout and "complete" in proc.stdout
