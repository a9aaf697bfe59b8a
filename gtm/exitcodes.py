"""Exit codes shared by every command."""

OK = 0
ERROR = 1
CHANGES = 2  # only with --detailed-exitcode

# Set by a command whose work is done and leaves nothing to clean up (no threads, files or journals):
# gtm.cli.main then exits without tearing the interpreter down, which at 32k lines is ~8% of
# `gtm validate` (freeing every node and spec one by one).  Only the console entry point reads it.
SKIP_TEARDOWN = {"on": False}
