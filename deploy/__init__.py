"""The deployment's files (systemd units, nginx and gunicorn configuration, env.example) and,
in deploy/tests/, the test that runs them together. A package only so that the test can be run
with `python -m deploy.tests.cluster`."""
