# The content types of engagement's models were the work app's until issue 24 split it: they follow,
# so what refers to them (search entries, grants, permissions) keeps its rows.
from django.db import migrations

from talanoa.lib.migrations import adopt_content_types


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("engagement", "0001_initial"),
    ]

    operations = [
        adopt_content_types("work", "engagement", [
            "historicalexternalbody", "externalbody", "historicalengagementprocess",
            "engagementprocess", "historicalgroupposition", "groupposition",
            "historicalforumparticipation", "forumparticipation", "engagementdeadlinealert"
        ]),
    ]
