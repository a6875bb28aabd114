"""The API's frame: personal tokens, rate limits, the one error shape, paging, the documents."""

import hashlib
import json

import pytest
from django.test import Client

from api.models import ApiToken
from api.operations import MAX_ACTIVE_TOKENS, create_token
from api.service import api
from members.models import Organisation

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"} and body["code"] == code
    assert body["message"]
    return body


# -- Tokens on My settings ------------------------------------------------------------------

def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(client_for, people):
    member = client_for("member")
    response = member.post("/me/tokens/", {"name": "Our website"})
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response[
        "Cache-Control"]
    token = ApiToken.objects.get(user=people["member"])
    page = response.content.decode()
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("tal_") and len(secret) > 40
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in member.get("/me/tokens/").content.decode()  # never again
    assert Client().get("/api/groups", **bearer(secret)).status_code == 200


def test_a_revoked_token_is_refused_at_once(client_for, people):
    token, secret = create_token(people["member"], "script")
    assert Client().get("/api/groups", **bearer(secret)).status_code == 200
    response = client_for("member").post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert_error(Client().get("/api/groups", **bearer(secret)), 401, "unauthenticated")


def test_nobody_revokes_another_persons_token(client_for, people):
    token, secret = create_token(people["member"], "script")
    assert client_for("observer").post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().get("/api/groups", **bearer(secret)).status_code == 200


def test_a_closed_account_s_token_is_refused(people):
    __, secret = create_token(people["member"], "script")
    people["member"].is_active = False
    people["member"].save()
    assert_error(Client().get("/api/groups", **bearer(secret)), 401, "unauthenticated")


@pytest.mark.parametrize("header", ["Bearer tal_wrong", "Bearer ", "Basic dXNlcjpwYXNz",
                                    "tal_without_scheme", "Bearer " + "x" * 500])
def test_a_wrong_token_is_refused_not_read_as_anonymous(header):
    response = Client().get("/api/groups", HTTP_AUTHORIZATION=header)
    assert_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_limited_per_person(client_for, people):
    for n in range(MAX_ACTIVE_TOKENS):
        create_token(people["member"], f"t{n}")
    response = client_for("member").post("/me/tokens/", {"name": "one more"})
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=people["member"]).count() == MAX_ACTIVE_TOKENS


def test_a_token_needs_a_name(client_for, people):
    assert client_for("member").post("/me/tokens/", {"name": ""}).status_code == 400
    assert not ApiToken.objects.filter(user=people["member"]).exists()


# -- Rate limits ----------------------------------------------------------------------------

def test_anonymous_calls_are_limited_per_address(settings):
    settings.API_RATE_ANONYMOUS = "3/min"
    here, there = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [here.get("/api/groups").status_code for __ in range(3)] == [200] * 3
    response = here.get("/api/groups")
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert there.get("/api/groups").status_code == 200  # another address has its own count


def test_token_calls_are_limited_per_token(settings, people):
    settings.API_RATE_TOKEN = "2/min"
    settings.API_RATE_ANONYMOUS = "2/min"
    __, first = create_token(people["member"], "a")
    __, second = create_token(people["member"], "b")
    same_address = Client(REMOTE_ADDR="10.0.0.9")
    assert [same_address.get("/api/groups", **bearer(first)).status_code
            for __ in range(3)] == [200, 200, 429]
    assert same_address.get("/api/groups", **bearer(second)).status_code == 200
    assert same_address.get("/api/groups").status_code == 200  # anonymous counts apart


# -- Errors and paging ----------------------------------------------------------------------

def test_errors_have_one_shape():
    client = Client()
    assert_error(client.get("/api/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/groups/no-such-group"), 404, "not_found")
    body = assert_error(client.get("/api/groups?limit=0"), 422, "invalid")
    assert body["errors"][0]["location"] == ["query", "limit"]
    assert_error(client.get("/api/groups?cursor=not-a-cursor"), 422, "invalid")


def test_paging_walks_every_row_once_in_a_stable_order():
    seen, url = [], "/api/organisations?limit=7"
    for __ in range(20):
        page = Client().get(url).json()
        seen += [row["id"] for row in page["results"]]
        if page["next"] is None:
            break
        url = f"/api/organisations?limit=7&cursor={page['next']}"
    expected = list(Organisation.objects.current().order_by("pk").values_list("pk", flat=True))
    assert seen == expected and len(expected) > 7


def test_a_page_starts_strictly_after_its_cursor():
    first = Organisation.objects.current().order_by("pk")[0]
    ids = [row["id"] for row in Client().get(f"/api/organisations?cursor={first.pk}")
           .json()["results"]]
    assert first.pk not in ids and all(i > first.pk for i in ids)


# -- The documents --------------------------------------------------------------------------

def test_the_openapi_document_documents_every_answer():
    document = Client().get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "Error" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "422", "429"} <= codes, (method, path)
            assert codes & {"200", "201", "204"}, (method, path)
            for code, answer in operation["responses"].items():
                if code.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith("/Error"), (method, path, code)
            # Reading is open to anonymous callers; writing needs a token.
            optional = {} in operation.get("security", [])
            assert optional == (method == "get"), (method, path)


def test_the_docs_page_loads_nothing_from_elsewhere():
    page = Client().get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "api-docs.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_every_operation_is_in_the_document():
    names = {op.view_func.__name__ for router in api._routers for path_view in
             router[1].path_operations.values() for op in path_view.operations}
    document = json.dumps(Client().get("/api/openapi.json").json())
    assert names and all(name in document for name in names)


def test_a_nul_character_matches_nothing_and_is_no_server_error():
    assert_error(Client().get("/api/groups/ic%00t"), 404, "not_found")
    for url in ["/api/organisations?kind=crop%00", "/api/papers?group=%00ict"]:
        response = Client().get(url)
        assert response.status_code == 200 and response.json()["results"] == []
