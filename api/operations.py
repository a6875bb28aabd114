"""Named state changes of the API: creating and revoking personal tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from api.models import ApiToken

TOKEN_PREFIX = "tal_"
MAX_ACTIVE_TOKENS = 10


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=secret[:12],
                                    digest=token_digest(secret))
    return token, secret


def revoke_token(token: ApiToken) -> bool:
    """Revoked at once: every request looks the token up, nothing caches it."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True)
                .update(revoked_at=timezone.now()))


def token_for_secret(secret: str) -> ApiToken | None:
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (ApiToken.objects.active().select_related("user", "user__person")
             .filter(digest=token_digest(secret), user__is_active=True).first())
    if token is not None:
        # At most one write a minute per token: reading must stay cheap.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token
