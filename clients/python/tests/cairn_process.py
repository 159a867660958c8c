"""Runs the real Cairn server (<repo>/bin/cairn) as a child process for server-backed tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional

import grpc

from cairn_client import Client

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CairnServer:
    """One server with a fixed data directory and port, which survive restarts."""

    def __init__(self, data_dir: Path, binary: Optional[Path] = None) -> None:
        self.binary = binary or REPO / "bin" / "cairn"
        self.data_dir = data_dir
        self.port = free_port()
        self.process: Optional[subprocess.Popen] = None
        self.token = ""

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client(self, **options) -> Client:  # type: ignore[no-untyped-def]
        return Client(self.target, token=self.token, **options)

    def start(self) -> None:
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError(f"{self.binary} is missing; build the server first")
        log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [str(self.binary), "server", "--data-dir", str(self.data_dir), "--port", str(self.port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._await_ready()

    def _await_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        token_file = self.data_dir / "token"
        last_error: Optional[Exception] = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self._log_tail()}")
            if token_file.exists() and token_file.read_text().strip():
                self.token = token_file.read_text().strip()
                try:
                    if self._serving():
                        return
                except grpc.RpcError as error:
                    last_error = error
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server not ready after {START_TIMEOUT}s ({last_error}): {self._log_tail()}")

    def _serving(self) -> bool:
        """Asks the standard health service, which needs no token and says SERVING once the
        server has recovered (its port takes calls before that). The messages are tiny and fixed,
        so they are written by hand rather than with another generated package: an empty request,
        and a response whose field 1 (status) is 1 (SERVING)."""
        with grpc.insecure_channel(self.target) as channel:
            check = channel.unary_unary(
                "/grpc.health.v1.Health/Check",
                request_serializer=lambda _: b"",
                response_deserializer=lambda data: data,
            )
            return check(None, timeout=2) == b"\x08\x01"

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"server ignored SIGTERM for {STOP_TIMEOUT}s and was killed")
        finally:
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _log_tail(self) -> str:
        path = self.data_dir.parent / f"server-{self.port}.log"
        try:
            return path.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"
