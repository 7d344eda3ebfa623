"""The one exit-code contract of every ctai command."""

OK = 0  # nothing to report (warnings allowed unless --strict)
FINDINGS = 1  # the files have problems
USAGE = 2  # bad options, or a path that cannot be used at all
INTERNAL = 3  # a bug in ctai
INTERRUPTED = 130  # Ctrl-C
