"""A local S3 server for the object storage tests: moto's
`ThreadedMotoServer` on 127.0.0.1 (a free port, started and stopped by the
test), and a small proxy in front of it that fails chosen keys the way a
real store or network does: a 403, or a connection closed half way through
an object's body. Nothing here leaves the loopback interface."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# Credentials of the test server only (moto accepts any); given in the
# environment so the scan signs its requests and never looks elsewhere.
ACCESS_KEY = "AKIAMOTOTESTKEY00001"
SECRET_KEY = "moto/secret/9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"
ENV = {
    "AWS_ACCESS_KEY_ID": ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    "AWS_DEFAULT_REGION": "us-east-1",
    # The developer's own AWS files and endpoint play no part.
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_CONFIG_FILE": os.devnull,
}
UNSET = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_REGION")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def aws_env() -> Iterator[None]:
    """The test credentials in this process's environment (CLI subprocesses
    inherit it), restored afterwards."""
    old = {k: os.environ.get(k) for k in (*ENV, *UNSET)}
    os.environ.update(ENV)
    for k in UNSET:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto S3 server on loopback; yields its endpoint URL."""
    import logging

    from moto.server import ThreadedMotoServer

    # One log line per request would fill pytest's captured output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name="us-east-1")


def upload_tree(s3: Any, bucket: str, root: Path, prefix: str) -> list[str]:
    """Every file under `root` as `prefix` + its relative path; the keys."""
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    keys = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            key = prefix + p.relative_to(root).as_posix()
            s3.put_object(Bucket=bucket, Key=key, Body=p.read_bytes())
            keys.append(key)
    return keys


class FaultyProxy:
    """Forwards requests to `upstream`, except a GET of an object whose key
    ends with one of `forbidden` (answered 403 AccessDenied) or `dropped`
    (headers and half the body sent, then the connection closed)."""

    def __init__(self, upstream: str, forbidden: tuple[str, ...] = (),
                 dropped: tuple[str, ...] = ()) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.forbidden, self.dropped = forbidden, dropped
        self.requests: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _forward(self) -> None:
                proxy.requests.append((self.command, self.path))
                key = self.path.split("?", 1)[0]
                if self.command == "GET" and key.endswith(proxy.forbidden):
                    body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied'
                            b"</Code><Message>Access Denied</Message></Error>")
                    self.send_response(403)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                conn = http.client.HTTPConnection(proxy.upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length",
                                         "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                if self.command == "GET" and key.endswith(proxy.dropped) and resp.status < 300:
                    # Promise the whole body, send half, hang up.
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultyProxy:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
