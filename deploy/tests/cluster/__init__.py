"""`make cluster-test`: two app servers and a worker behind nginx, started from deploy/'s units
and nginx config, tested (run.py says what it checks). Not a pytest suite: it starts real
processes, so its modules have no test_ prefix and pytest does not collect them."""
