from django.urls import path, re_path

from api import views
from api.routes import indicators, members
from api.service import api, not_found_anywhere

api.add_router("", members.router)
# --- apidata: indicators, economies, observations, imports ---
api.add_router("", indicators.imports_router)
api.add_router("", indicators.router)
# --- end apidata ---
# --- apiitems: meetings, papers, decisions and proposals ---
from api.routes import decisions, meetings, papers  # noqa: E402

api.add_router("", meetings.router)
api.add_router("", papers.router)
api.add_router("", decisions.router)
# --- end apiitems ---

app_name = "tokens"
urlpatterns = [
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

# Mounted by talanoa.urls at the root, outside this namespace (the API has its own, "api").
api_urlpatterns = [
    path("api/", api.urls),
    re_path(r"^api/(?P<path>.*)$", not_found_anywhere),
]
