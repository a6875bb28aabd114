"""Demo data of the work programme's tasks (called by `manage.py demo_data`): every
view has something to show, at every dissemination level where the view has levels.
Idempotent."""

from __future__ import annotations

from members.models import Organisation

DEMO_TASKS = [
    # (title, about: (model label, level) or None, owner organisation slug, owner email or None,
    #  due in days or None); a title carries the level of whoever may see it (the crawl test).
    ("[public] Share the cable resilience study before the Apia meeting",
     ("meetings.Meeting", "public"), "gov-fji", "member@demo.talanoa.test", -5),
    ("[members] Draft Fiji's input to the cybersecurity framework",
     ("decisions.Decision", "members"), "gov-fji", "member@demo.talanoa.test", 10),
    ("[core] Comment on the spectrum harmonisation options",
     ("papers.Paper", "core"), "gov-fji", None, -2),
    ("[members] Cost the shared incident response proposal",
     ("decisions.Proposal", "members"), "usp", "chair@demo.talanoa.test", 20),
    ("[restricted] Prepare the notes of the planning call",
     ("meetings.Meeting", "restricted"), "spc", "secretariat@demo.talanoa.test", -1),
    ("[members] Update the members' ICT focal points", None, "pita", None, 7),
    ("[members] Send Fiji's country ICT statistics", None, "gov-fji",
     "member@demo.talanoa.test", None),
]


def tasks(group, people: dict) -> None:
    """Tasks about a meeting, a decision, a paper, a proposal and none, some overdue, owned by
    the demo member (Fiji) and others."""
    import datetime

    from django.apps import apps
    from django.utils import timezone

    from tasks.models import Task
    from tasks.operations import create_task

    chair = people["chair@demo.talanoa.test"].user
    today = timezone.localdate()
    for title, about, org_slug, owner, due_in in DEMO_TASKS:
        if Task.objects.filter(title=title, group=group).exists():
            continue
        item = None
        if about is not None:
            label, level = about
            item = (apps.get_model(label).objects
                    .filter(group=group, title_en__startswith=f"[{level}]").order_by("pk").first())
            if item is None:
                continue
        create_task(title, Organisation.objects.get(slug=org_slug), chair, about=item,
                    group=group, owner_person=people[owner] if owner else None,
                    due_on=today + datetime.timedelta(days=due_in) if due_in is not None
                    else None)
