"""``python -m kg``: the same as the ``kg`` command. A plain ``kg query`` is answered
without loading the command-line framework (:mod:`kg.cliquery`)."""

import sys

from kg.cliquery import main as quick_query

code = quick_query(sys.argv[1:])
if code is not None:
    sys.exit(code)

from kg.cli import main  # only when the quick path does not answer

main()
