"""The `dealcoach` command line, split by command family; `dealcoach_cli.main` is the console script."""
