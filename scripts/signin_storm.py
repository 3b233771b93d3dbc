#!/usr/bin/env python3
"""A storm of concurrent sign-ins against `between serve`, reporting the
server's peak memory and the latency of /healthz meanwhile.

A demo account (`between demo --years N`, linked with a therapist who sees
its agenda, so every sign-in also publishes an agenda snapshot) in a
throwaway store; the server on 127.0.0.1 trusts 127.0.0.1 as a proxy so each
sign-in can come from its own address (X-Forwarded-For) the way real people
do. Nothing leaves the machine.

Usage: scripts/signin_storm.py [path/to/between] [--concurrency 48] [--years 2]
Prints one JSON line: peak and final RSS in MB, sign-in statuses and
/healthz p50/p99/max in ms.
"""
import argparse, http.client, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.parse

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("binary", nargs="?", default=os.path.join(root, "target/release/between"))
ap.add_argument("--concurrency", type=int, default=48)
ap.add_argument("--years", type=int, default=2)
ap.add_argument("--no-proxy", action="store_true", help="for builds without --trusted-proxy")
args = ap.parse_args()


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


tmp = tempfile.mkdtemp()
env = dict(os.environ, BETWEEN_DATA_DIR=os.path.join(tmp, "data"), BETWEEN_CONFIG_DIR=os.path.join(tmp, "config"),
           BETWEEN_LOG="warn")
out = subprocess.run([args.binary, "demo", "--years", str(args.years)], env=env, capture_output=True, text=True,
                     check=True).stdout
password = re.search(r"password: (\S+)", out).group(1)
port = free_port()
cmd = [args.binary, "serve", "--listen", f"127.0.0.1:{port}"]
if not args.no_proxy:
    cmd += ["--trusted-proxy", "127.0.0.1/32"]
server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def request(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


try:
    for _ in range(100):
        try:
            request("GET", "/healthz"); break
        except OSError:
            time.sleep(0.1)
    baseline = status_kb(server.pid, "VmRSS")
    # Each client first fetches the sign-in form (its form cookie and token).
    clients = []
    for i in range(args.concurrency):
        addr = f"10.{i // 200}.{i % 200}.{7 + i % 3}"
        h = {"X-Forwarded-For": addr}
        r, page = request("GET", "/signin", headers=h)
        cookie = r.getheader("Set-Cookie").split(";")[0]
        token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        clients.append((h, cookie, token))
    statuses, lat = [], []
    done = threading.Event()

    def sign_in(h, cookie, token):
        body = urllib.parse.urlencode({"csrf": token, "name": "demo", "password": password, "next": "/"})
        r, _ = request("POST", "/signin", body=body, headers=dict(h, Cookie=cookie, **{
            "Content-Type": "application/x-www-form-urlencoded"}))
        statuses.append(r.status)

    def probe():
        while not done.is_set():
            t = time.perf_counter()
            request("GET", "/healthz")
            lat.append((time.perf_counter() - t) * 1000)
            time.sleep(0.01)

    prober = threading.Thread(target=probe); prober.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=sign_in, args=c) for c in clients]
    for t in threads: t.start()
    for t in threads: t.join()
    storm_s = time.perf_counter() - started
    time.sleep(1.0)  # background work (agenda snapshots) finishes
    done.set(); prober.join()
    lat.sort()
    pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None
    print(json.dumps({
        "concurrency": args.concurrency,
        "storm_seconds": round(storm_s, 2),
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "rss_before_mb": round(baseline / 1024, 1),
        "rss_peak_mb": round(status_kb(server.pid, "VmHWM") / 1024, 1),
        "rss_after_mb": round(status_kb(server.pid, "VmRSS") / 1024, 1),
        "healthz_ms": {"n": len(lat), "p50": pct(0.5), "p99": pct(0.99), "max": round(lat[-1], 1) if lat else None},
    }))
finally:
    server.terminate(); server.wait()
    shutil.rmtree(tmp, ignore_errors=True)
