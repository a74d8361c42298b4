"""``python -m kg``: the same as the ``kg`` command. A plain ``kg query`` is answered
without loading the command-line framework (:mod:`kg.cliquery`)."""

from kg.cliquery import entry

if __name__ == "__main__":  # not when a spawned worker process imports it
    entry()
