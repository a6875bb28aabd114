"""Talanoa's benchmark tooling, kept apart from the product (issue 24).

`make bench` runs ``python -m bench`` (the pages under load: bench/run.py, and the child run of
one database and dataset in bench/measure.py), then ``python -m bench.report_generation`` (the
annual report's compilation). ``bench.synthetic`` generates the bulk data the bench and the
query-count tests grow the database with; ``python -m bench.profile_page`` profiles one page on
the bench's database.
"""
