#!/usr/bin/env python3
"""Hostile clients against `hookscope-cli listen`, one scenario at a time, while a normal
client sends a small POST every 50 ms. Prints, per scenario, the listener's peak RSS, the
normal client's worst latency and how many of its requests failed.

Usage: tests/bench/hostile.py CLI [SCENARIO ...]
Scenarios: pipeline, bodies, idle, burst (default: all). Loopback only, bounded in time."""

import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

PORT = int(os.environ.get("HOOKSCOPE_BENCH_PORT", "47481"))
HOST = "127.0.0.1"
PROBE = (b"POST /probe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Content-Length: 11\r\n\r\n{\"ok\":true}")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


class Probe(threading.Thread):
    """A well-behaved client: a fresh connection and one request every 50 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.worst_ms = 0.0
        self.sent = 0
        self.failed = 0

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                with socket.create_connection((HOST, PORT), timeout=10) as client:
                    client.sendall(PROBE)
                    answer = client.recv(4096)
                    if not answer.startswith(b"HTTP/1.1 2"):
                        self.failed += 1
            except OSError:
                self.failed += 1
            self.sent += 1
            self.worst_ms = max(self.worst_ms, (time.monotonic() - started) * 1000)
            self.stop.wait(0.05)


def pipeline(seconds):
    """One connection pipelines GETs as fast as it can and never reads an answer."""
    request = b"GET /pipelined HTTP/1.1\r\nHost: x\r\n\r\n" * 1000
    deadline = time.monotonic() + seconds
    with socket.create_connection((HOST, PORT)) as attacker:
        attacker.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                attacker.sendall(request)
            except socket.timeout:
                pass  # the receiver stopped reading: that is the point
            except OSError:
                break


def bodies(seconds, listener_pid, clients=16, size=95 * 1024 * 1024):
    """Clients each announce a 95 MB body, send all but its last byte, and hold. Returns the
    listener's RSS (MB) at the end of the hold and how many bodies were sent whole but one byte."""
    chunk = b"x" * (1024 * 1024)
    sockets = []

    def send_one():
        attacker = socket.create_connection((HOST, PORT))
        sockets.append(attacker)
        attacker.sendall(b"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size)
        left = size - 1
        try:
            while left > 0:
                piece = chunk[:min(left, len(chunk))]
                attacker.sendall(piece)
                left -= len(piece)
        except OSError:
            pass  # closed at the end while the receiver was not reading from it

    senders = [threading.Thread(target=send_one, daemon=True) for _ in range(clients)]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + seconds
    for sender in senders:
        sender.join(max(0, deadline - time.monotonic()))
    time.sleep(max(0, deadline - time.monotonic()))
    held_rss = rss_mb(listener_pid)
    finished = sum(1 for sender in senders if not sender.is_alive())
    for attacker in sockets:
        attacker.close()
    return held_rss, finished


def idle(seconds, count=1000):
    """Connections that open and say nothing."""
    sockets = []
    for _ in range(count):
        try:
            sockets.append(socket.create_connection((HOST, PORT), timeout=5))
        except OSError:
            break
    time.sleep(seconds)
    for attacker in sockets:
        attacker.close()
    return len(sockets)


def burst(count=300):
    """Connections opened all at once, then each sends one request and reads its answer."""
    started = time.monotonic()
    clients = []
    for _ in range(count):
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex((HOST, PORT))
        clients.append(client)
    for client in clients:
        client.setblocking(True)
        client.settimeout(10)
        try:
            client.sendall(PROBE)
            client.recv(4096)
        except OSError:
            pass
        client.close()
    return time.monotonic() - started


def main():
    cli = sys.argv[1]
    chosen = sys.argv[2:] or ["pipeline", "bodies", "idle", "burst"]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    for scenario in chosen:
        with tempfile.TemporaryDirectory() as work:
            log = open(os.path.join(work, "listen.log"), "w")
            listener = subprocess.Popen(
                [cli, "listen", "--port", str(PORT), "--bind", HOST, "--store",
                 os.path.join(work, "store.sqlite")], stdout=log, stderr=subprocess.STDOUT)
            for _ in range(200):
                try:
                    socket.create_connection((HOST, PORT), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            probe = Probe()
            peak = [rss_mb(listener.pid)]
            sampling = threading.Event()

            def sample():
                while not sampling.is_set():
                    peak[0] = max(peak[0], rss_mb(listener.pid))
                    sampling.wait(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            probe.start()
            extra = ""
            if scenario == "pipeline":
                pipeline(10)
            elif scenario == "bodies":
                held_rss, sent_whole = bodies(15, listener.pid)
                extra = (f", {held_rss} MB while {sent_whole} of 16 bodies were held open "
                         "(sent whole but one byte)")
            elif scenario == "idle":
                extra = f", {idle(10)} idle connections held"
            elif scenario == "burst":
                extra = f", 300 connects in {burst():.2f} s"
            # What the attack left behind: the normal client goes on for 3 s more.
            time.sleep(3)
            probe.stop.set()
            probe.join()
            sampling.set()
            sampler.join()
            listener.terminate()
            listener.wait(30)
            print(f"{scenario}: listener peak RSS {peak[0]} MB, normal client worst "
                  f"{probe.worst_ms:.0f} ms, {probe.failed} of {probe.sent} failed{extra}",
                  flush=True)


if __name__ == "__main__":
    main()
