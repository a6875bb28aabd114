"""deploy/nginx.conf: checked whole with `nginx -t`, and its plain-HTTP part rendered for the
nginx the test runs in front of the app servers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from deploy.tests.cluster.common import DEPLOY, check, rendered, say


def _top_level_blocks(text: str) -> list[str]:
    """The file's top-level statements and blocks, comments removed."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    statements, current, depth = [], "", 0
    for char in "\n".join(lines):
        current += char
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                statements.append(current.strip())
                current = ""
        elif char == ";" and depth == 0:
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def site_http_part(cache_dir: Path, servers: list[str]) -> str:
    """deploy/nginx.conf without its server blocks (the TLS part), the upstream's servers given
    these addresses (their parameters kept) and the cache in cache_dir."""
    parts = []
    for statement in _top_level_blocks(rendered((DEPLOY / "nginx.conf").read_text())):
        if re.match(r"server\s*\{", statement):
            continue
        if statement.startswith("upstream"):
            found = re.findall(r"^\s*server\s+\S+", statement, flags=re.M)
            check(len(found) == len(servers),
                  f"deploy/nginx.conf's upstream has {len(found)} servers, the test {len(servers)}")
            for old, new in zip(found, servers, strict=True):
                statement = statement.replace(old, f"    server {new}", 1)
        if statement.startswith("proxy_cache_path"):
            statement = re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {cache_dir}",
                               statement)
        parts.append(statement)
    return "\n".join(parts)


def nginx_main(tmp: Path, http_body: str) -> str:
    user = "user root;" if os.geteuid() == 0 else ""  # else workers would run as nobody
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp_paths}
    log_format cluster '$msec $request_method $request_uri $status "$upstream_addr" '
                       '"$upstream_status"';
    access_log {tmp}/access.log cluster;
{http_body}
}}
"""


def nginx_binary() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    check(binary, "nginx is missing (Debian: apt-get install nginx)")
    return str(binary)


def check_example_site(tmp: Path) -> None:
    """`nginx -t` on the whole example, TLS included, with a throwaway certificate."""
    example = tmp / "example"
    example.mkdir()
    key, cert = example / "key.pem", example / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=portal.example.org", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    site = rendered((DEPLOY / "nginx.conf").read_text())
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {example}/cache", site)
    (example / "site.conf").write_text(site)
    (example / "nginx.conf").write_text(nginx_main(example, f"    include {example}/site.conf;"))
    done = subprocess.run([nginx_binary(), "-t", "-p", example, "-c", example / "nginx.conf"],
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, f"nginx -t on deploy/nginx.conf:\n{done.stderr}")
    warnings = [line for line in done.stderr.splitlines() if "[warn]" in line]
    say("ok  nginx -t: deploy/nginx.conf (TLS, the include) is valid"
        + "".join(f"\n    {line}" for line in warnings))
