"""The command line: `ui.cli.main.run` parses and dispatches; each `*_cmd` module registers its commands."""
