from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JippConfig(AppConfig):
    name = "jipp"
    verbose_name = _("JIPP core")

    def ready(self) -> None:
        # Connects the sign-in and lockout receivers (they write the audit trail).
        from jipp import signin  # noqa: F401
