# The content types of directory's models were the work app's until issue 24 split it: they follow,
# so what refers to them (search entries, grants, permissions) keeps its rows.
from django.db import migrations

from talanoa.lib.migrations import adopt_content_types


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0001_initial"),
    ]

    operations = [
        adopt_content_types("work", "directory", [
            "historicalorganisationprofile", "historicalorganisationprofile_areas",
            "organisationprofile", "historicalfocalpoint", "focalpoint",
            "historicalengagementlogentry",
            "historicalengagementlogentry_restricted_organisations",
            "historicalengagementlogentry_restricted_people", "engagementlogentry",
            "historicaljoinrequest", "joinrequest", "joinrequesttransition"
        ]),
    ]
