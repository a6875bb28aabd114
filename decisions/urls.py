from django.urls import path  # noqa: F401

from decisions import views  # noqa: F401

app_name = "decisions"

urlpatterns = [
    # --- The decision register (G2) ----------------------------------------------------------

    # --- The proposals pipeline (G3) ---------------------------------------------------------

]
