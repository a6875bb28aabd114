"""The deploy/ files as the cluster test reads them (`make cluster-test` runs them for real): the
units' commands exist in this checkout, and the nginx site renders with the test's ports."""

from pathlib import Path

from deploy.tests.cluster.common import BASE_DIR, INSTALL_DIR
from deploy.tests.cluster.nginx import site_http_part
from deploy.tests.cluster.units import read_unit


def test_it_reads_the_web_unit_as_the_cluster_test_starts_it():
    web = read_unit("talanoa-web.service")
    assert web.directory == BASE_DIR
    assert web.start == [str(BASE_DIR / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py",
                         "talanoa.wsgi"]
    assert (web.directory / "deploy/gunicorn.conf.py").exists()
    assert Path(web.start[0]).exists()
    assert [command[2:4] for command in web.pre] == [["collectstatic", "--noinput"]]
    assert web.environment["XDG_CACHE_HOME"] == str(BASE_DIR / "var/cache")


def test_it_reads_the_worker_unit():
    worker = read_unit("talanoa-worker.service")
    assert worker.start == [str(BASE_DIR / ".venv/bin/python"), "manage.py", "worker"]
    assert worker.pre == []
    assert (worker.directory / "talanoa/management/commands/worker.py").exists()


def test_the_units_are_hardened_alike():
    def hardening(name: str) -> list[str]:
        text = (BASE_DIR / "deploy" / name).read_text()
        section = text.split("# Hardening", 1)[1].split("[Install]", 1)[0]
        return [line for line in section.splitlines()[1:] if line and not line.startswith("#")]

    web, worker = hardening("talanoa-web.service"), hardening("talanoa-worker.service")
    assert web == worker
    assert {"NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
            "ReadWritePaths=/srv/talanoa/var"} <= set(web)


def test_it_renders_the_sites_upstream_with_the_tests_ports(tmp_path):
    rendered = site_http_part(tmp_path / "cache", ["127.0.0.1:4001", "127.0.0.1:4002"])
    assert "server {" not in rendered and "ssl_certificate" not in rendered  # no TLS part
    assert "server 127.0.0.1:4001 max_fails=1 fail_timeout=10s;" in rendered
    assert "server 127.0.0.1:4002 max_fails=1 fail_timeout=10s;" in rendered
    assert "10.0.0.11" not in rendered
    assert f"proxy_cache_path {tmp_path / 'cache'} levels=1:2 keys_zone=talanoa_static:" \
        in rendered


def test_the_proxy_include_is_the_one_the_site_includes():
    site = (BASE_DIR / "deploy/nginx.conf").read_text()
    include = BASE_DIR / "deploy/nginx-talanoa-proxy.conf"
    assert f"include {INSTALL_DIR}/deploy/nginx-talanoa-proxy.conf;" in site
    text = include.read_text()
    assert "proxy_next_upstream error timeout http_502 http_503;" in text
    assert "client_max_body_size 26m;" in text  # MAX_UPLOAD_MB (25) and the form around it
