from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


index = new = report = edit = assess = checklist = compile_report = to_review = archive = _todo
run_file = settings_page = _todo

# --- coverage (heat map) ---
coverage = coverage_cell = _todo
# --- end coverage ---
