"""The shipped reverse proxy (deploy/nginx/judging-proxy.conf) in front of two app replicas on one
database, with Debian's nginx: security headers, the upload limit, the WebSocket through the proxy, a
judge's journey without one Content-Security-Policy violation, and the judge carrying on after the
replica serving them is killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import support

ROOT = Path(__file__).parents[2]
NGINX = os.environ.get("JUDGING_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
pytestmark = [pytest.mark.browser, pytest.mark.slow]
COOKIE_SECRET = "the-same-secret-on-every-replica-of-this-test-0123456789"

TEST_SERVER = """
worker_processes 1;
error_log {logs}/error.log warn;
pid {logs}/nginx.pid;
daemon off;
events {{ worker_connections 256; }}
http {{
    log_format upstreamed '$request_uri $status $upstream_addr';
    access_log {logs}/access.log upstreamed;
    client_body_temp_path {logs}/body; proxy_temp_path {logs}/proxy; fastcgi_temp_path {logs}/fastcgi;
    uwsgi_temp_path {logs}/uwsgi; scgi_temp_path {logs}/scgi;
    types {{ text/html html; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    upstream judging {{
        ip_hash;
        server 127.0.0.1:{a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {proxy_conf};
    }}
}}
"""


def _missing_nginx() -> str | None:
    return None if Path(NGINX).exists() else f"nginx not found at {NGINX} (apt-get install nginx-light)"


@pytest.fixture(scope="module")
def proxied(chromium, tmp_path_factory):
    reason = _missing_nginx()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{folder / 'judging.db'}"
    contest = support.build_contest(url)
    ports = {"a": support.free_port(), "b": support.free_port(), "port": support.free_port()}
    (folder / "nginx.conf").write_text(TEST_SERVER.format(logs=folder, proxy_conf=ROOT / "deploy" / "nginx" /
                                                          "judging-proxy.conf", **ports))
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET}
    with support.start_app(url, folder / "a.log", port=ports["a"], **env) as a, \
            support.start_app(url, folder / "b.log", port=ports["b"], **env) as b:
        nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{ports['port']}"
        try:
            _wait_for(f"{base}/_stcore/health", nginx)
            yield contest | {"base": base, "replicas": {a: ports["a"], b: ports["b"]}, "folder": folder}
        finally:
            nginx.terminate()  # fast shutdown: open WebSockets would hold a graceful one
            nginx.wait(timeout=10)


def _wait_for(url: str, nginx: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert nginx.poll() is None, nginx.stdout.read().decode(errors="replace")
        assert time.monotonic() < deadline, "nginx did not answer"
        time.sleep(0.2)


def test_every_answer_carries_the_security_headers(proxied):
    with urllib.request.urlopen(f"{proxied['base']}/", timeout=10) as response:
        headers = response.headers

    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert (policy["frame-ancestors"], policy["object-src"], policy["default-src"]) == ("'none'", "'none'", "'self'")


def test_an_upload_past_the_limit_is_refused_by_the_proxy(proxied):
    too_big = urllib.request.Request(f"{proxied['base']}/_stcore/upload_file/x/y", data=b"x" * (21 * 1024 * 1024),
                                     method="PUT")
    small = urllib.request.Request(f"{proxied['base']}/_stcore/upload_file/x/y", data=b"x" * 1024, method="PUT")

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(too_big, timeout=30)
    with pytest.raises(urllib.error.HTTPError) as passed_on:  # Streamlit itself refuses this made-up upload
        urllib.request.urlopen(small, timeout=30)

    assert refused.value.code == 413
    assert passed_on.value.code != 413


def _serving_replica(replicas: dict) -> int:
    """The port of the replica holding the browser's WebSocket: the one with an open connection from nginx
    (the access log has a WebSocket only once it is closed)."""
    open_to = {port: 0 for port in replicas.values()}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if fields[3] == "01" and local_port in open_to:  # 01: ESTABLISHED
            open_to[local_port] += 1
    serving = [port for port, n in open_to.items() if n]
    assert len(serving) == 1, f"open connections per replica: {open_to}"
    return serving[0]


def test_a_judge_scores_through_the_proxy_and_carries_on_when_their_replica_dies(chromium, proxied):
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=support.VIEWPORT)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    entry = proxied["entries"][0]
    page.goto(proxied["base"])
    support.settle(page)
    support.sign_in(page, proxied["username"], proxied["password"])
    support.open_entry(page, proxied, entry)
    box = support.score_box(page, "core_technology")
    box.fill("77")
    box.press("Tab")
    support.wait_saved(page)
    assert support.stored(proxied, entry).score_values == {"core_technology": 77.0}

    port = _serving_replica(proxied["replicas"])
    victim = _pid_listening_on(port)
    os.kill(victim, signal.SIGKILL)
    page.reload()
    support.settle(page)
    if page.get_by_label("密码").count():  # a session lives in its replica: sign in again on the other
        support.sign_in(page, proxied["username"], proxied["password"])
    if f"entry={entry}" not in page.url:  # the reloaded address may already be the sheet's
        support.open_entry(page, proxied, entry)
    support.field(page, proxied, entry, "score_core_technology").wait_for()
    assert float(support.score_box(page, "core_technology").input_value()) == 77.0  # read back from the database
    box = support.score_box(page, "application_effect")
    box.fill("66")
    box.press("Tab")
    support.wait_saved(page)

    assert support.stored(proxied, entry).score_values == {"core_technology": 77.0, "application_effect": 66.0}
    assert _serving_replica(proxied["replicas"]) != port
    assert violations == []


def _pid_listening_on(port: int) -> int:
    """The process listening on a local port (/proc/net/tcp, so no tool is needed)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            inode = fields[9]
    assert inode, f"nothing listens on {port}"
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue
    raise AssertionError(f"no process owns the socket on {port}")
