from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up: the secretariat invites people (members.operations.invite_person)."""

    def is_open_for_signup(self, request) -> bool:
        return False


def axes_username(request, credentials) -> str:
    """The login that failed: allauth posts `login` (an email) and passes `email` to backends."""
    credentials = credentials or {}
    value = (credentials.get("email") or credentials.get("username")
             or credentials.get("login") or request.POST.get("login", ""))
    return str(value).strip().lower()
