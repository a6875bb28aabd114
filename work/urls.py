from django.urls import path  # noqa: F401

from work import views  # noqa: F401

app_name = "work"

urlpatterns = [
    # --- Work plan ---


    # --- Tasks ---


    # --- Who does what ---


    # --- Advisory requests ---


    # --- Engagement ---


    # --- Directory and "take part" ---


]
