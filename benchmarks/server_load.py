"""Loopback load on the HTTP server: N concurrent clients x M short speech requests.

    .venv/bin/python benchmarks/server_load.py                    # 20 clients x 10 requests
    .venv/bin/python benchmarks/server_load.py --clients 5 --requests 4 --json out.json

Starts `timbrel serve` as a subprocess on a free 127.0.0.1 port with a fresh voice
library, enrolls the codec2 reference over HTTP, warms up, then lets the clients
(threads, one httpx connection each) send their requests all at once. Reports status
codes (no 5xx allowed), latency p50/p95/max, audio throughput and the server's RSS
before and after the run (after enrolling and one warm-up request per text), and its
peak during the run. Writes benchmarks/results/server_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
REFERENCE = Path("/usr/share/codec2/raw/speech_orig_16k.wav")
TRANSCRIPT = "A rainbow is a division of white light into many beautiful colours."
TEXTS = (
    "Hello there.",
    "The kettle is on.",
    "See you tomorrow morning.",
    "Thanks for calling.",
    "Your order is ready.",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(library: Path, port: int, max_queue: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "timbrel", "-q", "serve", "--port", str(port),
               "--library", str(library), "--max-queue", str(max_queue)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("server did not start in 180 s")


def rss_mb(process: psutil.Process) -> float:
    return process.memory_info().rss / 2**20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_clients(url: str, clients: int, requests: int) -> list[dict]:
    results: list[dict] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(index: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as http:
            start.wait()
            for number in range(requests):
                body = {"model": "tts-1", "voice": "bench", "response_format": "wav",
                        "input": TEXTS[(index + number) % len(TEXTS)], "seed": number}
                began = time.perf_counter()
                try:
                    response = http.post("/v1/audio/speech", json=body)
                    status, size = response.status_code, len(response.content)
                except httpx.HTTPError as error:
                    status, size = f"error: {type(error).__name__}", 0
                with lock:
                    results.append({"client": index, "status": status, "bytes": size,
                                    "seconds": time.perf_counter() - began})

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    parser.add_argument("--max-queue", type=int, default=32,
                        help="server's --max-queue (default 32: all 20 clients fit)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "server_load.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="timbrel-load-") as folder:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = start_server(Path(folder) / "library", port, args.max_queue)
        startup = time.perf_counter() - started
        try:
            process = psutil.Process(server.pid)
            rss_started = rss_mb(process)
            with REFERENCE.open("rb") as clip:
                created = httpx.post(f"{url}/v1/voices", timeout=300, files={"file": clip},
                                     data={"name": "bench", "consent": "codec2-examples",
                                           "transcript": TRANSCRIPT})
            created.raise_for_status()
            for text in TEXTS:  # warm-up: every text once, so caches settle before we measure
                httpx.post(f"{url}/v1/audio/speech", timeout=300, json={
                    "model": "tts-1", "voice": "bench", "input": text,
                    "response_format": "wav"}).raise_for_status()
            rss_before = rss_mb(process)
            peak = [rss_before]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.5):
                    peak[0] = max(peak[0], rss_mb(process))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            began = time.perf_counter()
            results = run_clients(url, args.clients, args.requests)
            wall = time.perf_counter() - began
            done.set()
            sampler.join()
            rss_after = rss_mb(process)
            health = httpx.get(f"{url}/health").json()
        finally:
            server.terminate()
            server.wait(30)

    statuses = Counter(str(result["status"]) for result in results)
    ok = [result["seconds"] for result in results if result["status"] == 200]
    audio_seconds = sum((r["bytes"] - 44) / (2 * 22050) for r in results if r["status"] == 200)
    server_errors = sum(count for status, count in statuses.items() if status.startswith("5"))
    summary = {
        "clients": args.clients, "requests_per_client": args.requests,
        "total_requests": len(results), "statuses": dict(statuses),
        "server_errors_5xx": server_errors,
        "latency_p50_s": round(statistics.median(ok), 3) if ok else None,
        "latency_p95_s": round(percentile(ok, 0.95), 3) if ok else None,
        "latency_max_s": round(max(ok), 3) if ok else None,
        "wall_seconds": round(wall, 2), "requests_per_second": round(len(ok) / wall, 2),
        "audio_seconds_per_wall_second": round(audio_seconds / wall, 2),
        "server_rss_started_mb": round(rss_started, 1),
        "server_rss_before_mb": round(rss_before, 1), "server_rss_after_mb": round(rss_after, 1),
        "server_rss_peak_mb": round(max(peak[0], rss_after), 1),
        "server_rss_growth_mb": round(rss_after - rss_before, 1),
        "server_startup_s": round(startup, 1), "queue_after": health["queue"],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary, "requests": results}, indent=1))

    print("| clients x requests | statuses | 5xx | p50 latency | p95 latency | max | "
          "wall | req/s | RSS before -> after (growth) | RSS peak |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.clients} x {args.requests} | "
          f"{', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} | {server_errors} | "
          f"{summary['latency_p50_s']} s | {summary['latency_p95_s']} s | "
          f"{summary['latency_max_s']} s | {summary['wall_seconds']} s | "
          f"{summary['requests_per_second']} | {rss_before:.1f} -> {rss_after:.1f} MB "
          f"({rss_after - rss_before:+.1f} MB) | {summary['server_rss_peak_mb']} MB |")
    print(f"server RSS: {rss_started:.1f} MB once started (engine loaded), {rss_before:.1f} MB "
          f"after enrolling and {len(TEXTS)} warm-up requests; startup {startup:.1f} s")
    print(f"wrote {args.json}")
    return 1 if server_errors or len(ok) != len(results) else 0


if __name__ == "__main__":
    sys.exit(main())
