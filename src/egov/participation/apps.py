from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "egov.participation"
    label = "participation"
    verbose_name = "Participation (public proposals)"
