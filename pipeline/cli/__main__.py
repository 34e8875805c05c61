"""`python -m pipeline.cli`: the `appraisal` command."""

from pipeline.cli import main

main()
