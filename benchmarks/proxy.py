"""nginx as the reverse proxy in front of the app, for the scale-out benchmark: Debian's nginx
(`apt-get install nginx`, which `make bench` does when it is missing), started on a free loopback
port with its own configuration, logs and temporary files in a folder of the caller's; the system's
configuration and service are never used.

The configuration is what a deployment in front of gunicorn would have (gunicorn's own docs
recommend a buffering proxy): one upstream block listing the app servers (one a process here; one a
host on a cluster), each request to the one with the fewest requests in flight (`least_conn`: a
saved query's page costs more than a case page), connections to them kept alive, the client's
address passed on in X-Forwarded-For, no access log (it would cost a write a request).
"""

from __future__ import annotations

import shutil
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tracktwo.localservers import free_port, running

CONFIG = """\
worker_processes {workers};
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client-body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream app {{
        least_conn;
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        raise RuntimeError("nginx is not installed: `make bench` installs Debian's (apt-get install nginx)")
    return binary


@contextmanager
def nginx(upstreams: list[str], folder: Path, workers: str = "auto", process_out: list | None = None):
    """nginx on a free loopback port passing every request to `upstreams` (host:port, round robin);
    yields its base URL once a request through it is answered by the app."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server {u};" for u in upstreams)
    conf = folder / "nginx.conf"
    conf.write_text(CONFIG.format(workers=workers, dir=folder, servers=servers, port=port))
    # -e: the error log from the very start (before the configuration is read nginx would open the
    # system's); -p: relative paths under the folder
    cmd = [nginx_binary(), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
    with running(cmd, f"http://127.0.0.1:{port}/", log=folder / "nginx.out") as process:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read()  # the app answers through it
        if process_out is not None:
            process_out.append(process)
        yield f"http://127.0.0.1:{port}"
