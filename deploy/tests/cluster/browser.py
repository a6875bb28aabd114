"""HTTP as a browser does it: one cookie jar for every server, forms sent as they are filled."""

from __future__ import annotations

import http.client
import http.cookies
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from deploy.tests.cluster.common import check


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """Requests to any of the servers, with one cookie jar (cookies are not per port)."""

    def __init__(self, source: str = "127.0.0.1") -> None:
        self.cookies: dict[str, str] = {}
        self.source = source  # the client's own address (any of 127.0.0.0/8 on Linux)

    def request(self, port: int, method: str, path: str, *, fields: list | None = None,
                files: list | None = None, headers: dict | None = None,
                timeout: float = 60) -> Response:
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields or [], files)
            sent["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urlencode(fields).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                                source_address=(self.source, 0))
        try:
            connection.request(method, path, body, sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str, **kwargs) -> Response:
        return self.request(port, "GET", path, **kwargs)


def _multipart(boundary: str, fields: list, files: list) -> bytes:
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n".encode())
    for name, filename, content_type, data in files:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                   f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode())
        out.append(data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


class Form:
    """An HTML form's fields as a browser would send them, before any change."""

    def __init__(self, html: str, containing: str):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        found = [form for form in soup.find_all("form") if form.find(attrs={"name": containing})]
        check(found, f"no form with a field {containing!r} on the page")
        self.form = found[0]
        self.fields: list[tuple[str, str]] = []
        for element in self.form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name or element.has_attr("disabled"):
                continue
            if element.name == "input":
                kind = (element.get("type") or "text").lower()
                if kind in ("submit", "button", "image", "reset", "file"):
                    continue
                if kind in ("checkbox", "radio"):
                    if element.has_attr("checked"):
                        self.fields.append((name, element.get("value", "on")))
                    continue
                self.fields.append((name, element.get("value", "")))
            elif element.name == "select":
                options = element.find_all("option")
                chosen = [o for o in options if o.has_attr("selected")]
                if not element.has_attr("multiple") and not chosen:
                    chosen = options[:1]
                self.fields += [(name, o.get("value", o.text)) for o in chosen]
            else:
                self.fields.append((name, element.text))

    def choices(self, name: str) -> list[str]:
        """The values a select, a radio group or a checkbox group offers (empty ones left out)."""
        values = [o.get("value", o.text) for select in self.form.find_all("select", {"name": name})
                  for o in select.find_all("option")]
        values += [i.get("value", "on") for i in self.form.find_all("input", {"name": name})]
        return [v for v in values if v]

    def set(self, name: str, *values: str) -> Form:
        self.fields = [(k, v) for k, v in self.fields if k != name]
        self.fields += [(name, value) for value in values]
        return self

    def value(self, name: str) -> str:
        return next((v for k, v in self.fields if k == name), "")
