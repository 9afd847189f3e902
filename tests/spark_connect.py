"""A local Spark Connect server for the tests: the server class the pyspark wheel ships
(``jars/spark-connect_2.13-*.jar``, what ``sbin/start-connect-server.sh`` runs), started by
``spark-submit`` in its own process group on a free port, with the engine's local settings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ConnectServer:
    """``start`` returns at once (the JVM starts while other work goes on); ``wait`` blocks until
    the server listens and gives its sc:// address."""

    def __init__(self, log_dir: Path, settings: dict[str, str]) -> None:
        import pyspark

        self.port = free_port()
        self.home = Path(pyspark.__file__).parent
        self.log = log_dir / "connect-server.log"
        confs = {**settings, "spark.connect.grpc.binding.port": str(self.port), "spark.ui.enabled": "false"}
        self.command = [
            str(self.home / "bin" / "spark-submit"),
            "--class",
            SERVER_CLASS,
            "--name",
            "analytics tests",
            "--master",
            "local[1]",
            *[arg for key, value in confs.items() for arg in ("--conf", f"{key}={value}")],
            "spark-internal",
        ]
        self.env = {**os.environ, "SPARK_HOME": str(self.home), "SPARK_LOG_DIR": str(log_dir)}
        self.env.pop("SPARK_CONNECT_AUTHENTICATE_TOKEN", None)
        self.env.pop("SPARK_REMOTE", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> ConnectServer:
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait(self, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the Spark Connect server stopped: {self.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return f"sc://localhost:{self.port}"
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"no Spark Connect server on port {self.port} after {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
