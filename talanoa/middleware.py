import functools
import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from talanoa.access import viewer_for

# Pages an editor without TOTP may still reach: enrolling, logging out, switching language.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireMFAForEditorsMiddleware:
    """The chair and secretariat must enrol a TOTP authenticator before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
                and viewer_for(request).is_editor and not _has_totp(request)):
            # allauth ignores ?next= after enrolment: the recovery codes page links back instead,
            # to an address of this site only ("//other.example/" is another site's to a browser).
            if request.method == "GET":
                wanted = request.get_full_path()
                if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                    request.session["talanoa_after_mfa"] = wanted
                else:
                    request.session.pop("talanoa_after_mfa", None)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(request) -> bool:
    from allauth.mfa.models import Authenticator

    if request.session.get("talanoa_has_totp"):
        return True
    has = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    if has:
        request.session["talanoa_has_totp"] = True
    return has


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every answer (Django has no setting for it): no page of the
    portal uses the camera, microphone, location, payments or USB, so none may ask for them,
    nor any frame or script injected into one (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


BROWSER_ZONE_COOKIE = "tz"


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class PersonTimeZoneMiddleware:
    """Show times in the reader's own zone (Apia is UTC+13, Rarotonga UTC-10: the same meeting
    falls on different dates): the person's profile setting, else the browser's zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if request.user.is_authenticated:
            zone = viewer_for(request).time_zone
        # Else the browser's zone, which static/tz.js keeps in a cookie (without JavaScript,
        # the secretariat's zone, and every page says which zone its times are in).
        zone = zone or request.COOKIES.get(BROWSER_ZONE_COOKIE)
        # Anyone can write the cookie: only a zone's name is looked up (a long or odd one made
        # the file lookup fail with an error, not "not found").
        if zone and zone in _known_zones():
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivatePagesMiddleware:
    """What a signed-in person (or a guest holding a link to one item) is shown is theirs: no
    shared browser cache or proxy keeps it (`Cache-Control: private, no-store`), unless the view
    said otherwise (a public file, an export). Anonymous pages are left to the page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and _is_personal(request):
            response["Cache-Control"] = "private, no-store"
        return response


def _is_personal(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    viewer = getattr(request, "_talanoa_viewer", None)  # only if the view asked the policy
    return viewer is not None and bool(viewer.grants)
