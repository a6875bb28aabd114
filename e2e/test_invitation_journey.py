"""The acceptance test: invite → set password → log in with TOTP → see a [members] item that
anonymous cannot see. All through the UI of a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap, totp_code

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "talanoa-demo"
EDITOR_SECRET = "JBSWY3DPEHPK3PXP"  # what conftest.load_world enrols for the editors
NEW_EMAIL = "sela.havili@example.to"
NEW_PASSWORD = "heilala-festival-2026"
MEMBERS_TITLE = "[members] Draft agenda for the next working group meeting"
LINK = re.compile(r"https?://\S+/invitation/\S+/")


def sign_in(page, url, email, password, secret=None):
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if secret:
        expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
        snap(page, "totp-authenticate")
        page.get_by_label("Authenticator code").fill(totp_code(secret))
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="What needs me")).to_be_visible()


def test_invite_set_password_totp_and_see_a_members_item(world, new_context, browser_log,
                                                         mailoutbox):
    from members.models import Organisation, WorkingGroup
    from portal.models import Post

    url = world.url
    tonga = Organisation.objects.get(slug="gov-ton")

    # The secretariat signs in with password and TOTP and invites a new person.
    secretariat = new_context().new_page()
    sign_in(secretariat, url, DEMO["secretariat"], DEMO_PASSWORD, EDITOR_SECRET)
    secretariat.get_by_role("link", name="Invite a person to an account").click()
    secretariat.get_by_label("or a new person: name").fill("Sela Havili")
    secretariat.get_by_label("email").fill(NEW_EMAIL)
    secretariat.get_by_label("organisation").select_option(str(tonga.pk))
    secretariat.get_by_label("message").fill("Mālō e lelei: welcome to the working group.")
    secretariat.get_by_role("button", name="Send the invitation").click()
    expect(secretariat.get_by_text(f"Invitation sent to {NEW_EMAIL}.")).to_be_visible()
    snap(secretariat, "invited")

    assert [m.to for m in mailoutbox] == [[NEW_EMAIL]]
    link = LINK.search(mailoutbox[0].body).group(0)
    assert link.startswith(url)

    # Tonga names Sela in its reply to this year's nomination letter, and the secretariat
    # confirms her on the register (R1, R2): she now represents a member organisation.
    secretariat.get_by_role("link", name="My page").click()
    secretariat.get_by_role("link", name="Nomination rounds").click()
    secretariat.get_by_label("group").select_option(str(WorkingGroup.objects.get(slug="ict").pk))
    secretariat.get_by_role("button", name="Open the round and draft the letters").click()
    expect(secretariat.get_by_text("Round opened:")).to_be_visible()
    secretariat.get_by_role("row").filter(has_text="Government of Tonga").get_by_role(
        "link", name="Record the reply").click()
    secretariat.get_by_label("person on record").first.select_option(label="Sela Havili")
    secretariat.get_by_role("button", name="Record the reply").click()
    expect(secretariat.get_by_text("Reply recorded: Sela Havili nominated.")).to_be_visible()
    secretariat.get_by_role("link", name="Register of representatives").click()
    secretariat.get_by_role("row").filter(has_text="Sela Havili").get_by_role(
        "button", name="Confirm").click()
    expect(secretariat.get_by_text("Sela Havili is confirmed.")).to_be_visible()
    snap(secretariat, "register")

    # Sela opens the link in her own browser, chooses a password and signs in.
    sela = new_context().new_page()
    sela.goto(link)
    expect(sela.get_by_role("heading", name="Choose your password")).to_be_visible()
    sela.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    sela.get_by_label("Password again").fill(NEW_PASSWORD)
    sela.get_by_role("button", name="Set my password").click()
    expect(sela.get_by_text("Your password is set.")).to_be_visible()
    sign_in(sela, url, NEW_EMAIL, NEW_PASSWORD)

    # She enrols an authenticator app: the page shows the secret her app would scan.
    sela.goto(url + "/accounts/2fa/totp/activate/")
    # allauth asks for the password again before adding an authenticator.
    expect(sela.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    snap(sela, "reauthenticate")
    sela.get_by_label("Password").fill(NEW_PASSWORD)
    sela.get_by_role("button", name="Confirm").click()
    expect(sela.get_by_role("heading", name="Activate an authenticator app")).to_be_visible()
    snap(sela, "totp-activate")
    secret = sela.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret)
    sela.get_by_label("Authenticator code").fill(totp_code(secret))
    sela.get_by_role("button", name="Activate").click()
    expect(sela.get_by_text("Authenticator app activated.")).to_be_visible()
    snap(sela, "totp-activated")
    expect(sela.get_by_label("Unused codes")).to_have_value(re.compile(r"^\d{8}(\n\d{8}){9}$"))
    sela.get_by_role("link", name="Continue to my page").click()
    expect(sela.get_by_role("heading", name="What needs me")).to_be_visible()

    # Signing in again now asks for a code.
    sela.get_by_role("button", name="Log out").click()
    # Let the redirect after logging out finish: a new navigation would abort it mid-load.
    sela.wait_for_url(url + "/", wait_until="load")
    sign_in(sela, url, NEW_EMAIL, NEW_PASSWORD, secret)

    item = Post.objects.get(title_en=MEMBERS_TITLE)
    sela.goto(url + "/posts/")
    sela.get_by_role("link", name=MEMBERS_TITLE).click()
    expect(sela.get_by_role("heading", level=1)).to_have_text(MEMBERS_TITLE)
    assert sela.url == url + item.get_absolute_url()

    # Anonymous: 404 on the item, and no trace of it in the list.
    browser_log.expect(404)
    anonymous = new_context().new_page()
    assert anonymous.goto(url + item.get_absolute_url()).status == 404
    anonymous.goto(url + "/posts/")
    expect(anonymous.get_by_role("heading", name="News and documents")).to_be_visible()
    expect(anonymous.get_by_text("[members]")).to_have_count(0)
    expect(anonymous.get_by_text("[public] Regional ICT Initiative", exact=False)).to_be_visible()
