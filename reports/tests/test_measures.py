"""The registry of measures: default attribution to the ToR, one query each, the policy."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Objective, WorkingGroup
from reports.measures import (
    DEFAULT_MEASURES,
    MEASURES,
    ensure_default_measures,
    nameable_levels,
)
from reports.models import ObjectiveMeasure
from reports.tests.activity import add_activity
from talanoa.access import ANONYMOUS, build_viewer

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def test_every_default_names_a_known_measure_and_every_objective_has_one():
    assert {k for keys in DEFAULT_MEASURES.values() for k in keys} <= set(MEASURES)
    assert set(DEFAULT_MEASURES) == ({f"G{i}" for i in range(1, 7)}
                                     | {f"S{i}" for i in range(1, 16)})


def test_defaults_are_stored_once_and_never_overwrite_the_secretariats_choice(group):
    ObjectiveMeasure.objects.filter(objective__group=group).delete()
    added = ensure_default_measures(group)
    assert added == sum(len(v) for v in DEFAULT_MEASURES.values())
    s15 = Objective.objects.get(group=group, code="S15")
    assert list(s15.measures.values_list("measure", flat=True)) == ["ministers_meetings"]
    s15.measures.all().delete()
    ObjectiveMeasure.objects.create(objective=s15, measure="meetings_held")
    assert ensure_default_measures(group) == 0
    assert list(s15.measures.values_list("measure", flat=True)) == ["meetings_held"]


def test_another_group_gets_the_generic_objectives_measures_only():
    other = WorkingGroup.objects.create(slug="energy-test", name_en="Energy (test)")
    Objective.objects.create(group=other, code="G1", kind="generic", text_en="Papers.")
    Objective.objects.create(group=other, code="S1", kind="specific", text_en="Energy.")
    ensure_default_measures(other)
    rows = ObjectiveMeasure.objects.filter(objective__group=other)
    assert {r.objective.code for r in rows} == {"G1"}


def test_a_report_names_no_record_narrower_than_itself_and_never_a_restricted_one():
    assert nameable_levels("public") == ["public"]
    assert nameable_levels("members") == ["public", "members"]
    assert nameable_levels("core") == ["public", "members", "core"]
    assert nameable_levels("restricted") == ["public"]


def test_each_measure_counts_in_one_query_whatever_the_data(group):
    add_activity(group)
    for key, measure in MEASURES.items():
        queryset = measure.queryset(group, START, END)
        assert queryset.model is measure.model, key
        with CaptureQueriesContext(connection) as queries:
            count = queryset.count()
        assert len(queries) == 1, key
        assert count >= 0


def test_the_policy_narrows_each_measure_for_a_viewer(group, people):
    add_activity(group)
    member = build_viewer(people["member"])
    for key, measure in MEASURES.items():
        everything = measure.queryset(group, START, END).count()
        seen_by_member = measure.for_viewer(measure.queryset(group, START, END), member).count()
        seen_by_anyone = measure.for_viewer(measure.queryset(group, START, END),
                                            ANONYMOUS).count()
        assert seen_by_anyone <= seen_by_member <= everything, key
    ministers = MEASURES["ministers_meetings"]
    assert ministers.for_viewer(ministers.queryset(group, START, END), ANONYMOUS).count() == 1
