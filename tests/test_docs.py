"""Documentation that cannot drift (sqlite-utils' rule): the command reference is the commands' own help,
and the README tells of every command."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_command_reference_is_up_to_date():
    from importers.cli import reference

    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference.markdown(), "docs/cli.md is stale: python -m importers.cli.reference > docs/cli.md"


def test_every_command_and_option_is_in_the_docs():
    from importers.cli import reference

    docs = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    missing = []
    for path, cmd in reference.commands():
        if path and f"incidex {' '.join(path)}" not in docs:
            missing.append(" ".join(path))
        for param in cmd.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("-") and flag not in docs:
                    missing.append(f"{' '.join(path)} {flag}")
    assert missing == [], f"undocumented: {missing}"


def test_the_readme_tells_of_every_command():
    """The reference lists everything; the README must still say, in words, what each command is for."""
    from importers.cli import reference

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.findall(r"incidex ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", readme)
    told = set(said) | {m.split()[0] for m in said}
    missing = [" ".join(path) for path, cmd in reference.commands()
               if path and not getattr(cmd, "commands", None)
               and " ".join(path) not in told and path[0] not in told]
    assert missing == [], f"commands the README never mentions: {missing}"


def test_the_readme_starts_with_the_two_commands_of_a_newcomer():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    lines = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert lines == ["pip install -e . && incidex demo", "pip install -e '.[test]' && python -m pytest"]
