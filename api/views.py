"""A person's API tokens, on their own settings: create (the secret is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import operations
from api.forms import TokenForm
from api.models import ApiToken
from talanoa.access import viewer_for


def _require_person(request: HttpRequest):
    viewer = viewer_for(request)
    if viewer.person_id is None:
        raise Http404
    return viewer


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    _require_person(request)
    mine = ApiToken.objects.filter(user=request.user)
    form = TokenForm(request.POST or None, active=mine.filter(revoked_at__isnull=True).count())
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            __, secret = operations.create_token(request.user, form.cleaned_data["name"])
            form = TokenForm(active=0)
            status = 201
        else:
            status = 400
    return render(request, "api/tokens.html", {"form": form, "tokens": mine, "secret": secret},
                  status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_person(request)
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    if operations.revoke_token(token):
        messages.success(request, _("Token “%(name)s” revoked: it no longer works.")
                         % {"name": token.name})
    return redirect("tokens:tokens")
