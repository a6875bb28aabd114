from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement")
    daily_jobs = ("engagement.tasks.alert_engagement_deadlines",)  # run by talanoa.daily
