"""Background work of reports, run by `manage.py db_worker`: compiling and rendering."""

from django.tasks import task


@task()
def compile_report(run_id: int) -> str:
    from reports.operations import run_report

    run = run_report(run_id)
    return run.status if run else "skipped"
