"""Exit codes shared by every command."""

OK = 0
ERROR = 1
CHANGES = 2  # only with --detailed-exitcode
