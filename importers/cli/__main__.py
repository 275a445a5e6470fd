"""`python -m importers.cli`: the same command as the installed `incidex`."""
from importers.cli.app import main

main()
