#!/usr/bin/env python3
"""Screenshots of any pages at phone and desktop width, for looking at what
changed: a demo account in a throwaway store, `between serve` on 127.0.0.1,
headless Chromium over WebDriver, signed in as "demo" (the client) or, with
--user demo-therapist, as the demo client's therapist.

Usage: scripts/shoot.py OUT_DIR PATH [PATH…] [--bin path/to/between] [--anonymous]
                        [--user demo|demo-therapist] [--prepare "CLI ARGS"…]
Writes OUT_DIR/<name>-390.png and OUT_DIR/<name>-1280.png per path (full
page height). A path may be "name=/some/path"; "{demo}" in a path stands for
the demo client's id (e.g. /clients/{demo}), "{link}" the demo client's
link with their therapist (e.g. /sharing/{link}/preview), "{entry}" the
newest journal entry. With --anonymous the pages are
shot signed out. Each --prepare runs `between CLI ARGS` on the store
before the server starts (e.g. --prepare "--user demo calendar url"); each
--sql runs a statement on its SQLite file after those.
"""
import argparse, base64, json, os, re, shlex, socket, subprocess, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("paths", nargs="+")
ap.add_argument("--bin", default=os.path.join(root, "target/debug/between"))
ap.add_argument("--anonymous", action="store_true")
ap.add_argument("--user", default="demo", choices=["demo", "demo-therapist"])
ap.add_argument("--prepare", action="append", default=[])
ap.add_argument("--sql", action="append", default=[],
                help="SQL run on the store's SQLite file before serving (to show states such as tampering)")
args = ap.parse_args()


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wd(method, url, body=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())["value"]


os.makedirs(args.out, exist_ok=True)
tmp = tempfile.mkdtemp()
env = dict(os.environ, BETWEEN_DATA_DIR=os.path.join(tmp, "data"), BETWEEN_CONFIG_DIR=os.path.join(tmp, "config"),
           BETWEEN_KDF="m=64,t=1,p=1")
out = subprocess.run([args.bin, "demo", "--years", "1", "--seed", "4"], env=env, capture_output=True, text=True,
                     check=True).stdout
if args.user == "demo-therapist":
    password = re.search(r'"demo-therapist" \(password: ([^)\s]+)\)', out).group(1)
else:
    password = re.search(r"password: (\S+)", out).group(1)
for cli in args.prepare:
    subprocess.run([args.bin] + shlex.split(cli), env=env, check=True, stdout=subprocess.DEVNULL)
if args.sql:
    import glob, sqlite3
    db = sqlite3.connect(glob.glob(os.path.join(tmp, "data", "*.db"))[0])
    for statement in args.sql:
        db.execute(statement)
    db.commit(); db.close()
port, dport = free_port(), free_port()
server = subprocess.Popen([args.bin, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
driver = subprocess.Popen(["chromedriver", f"--port={dport}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    time.sleep(1.5)
    base, d = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dport}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             f"--user-data-dir={tmp}/profile"]
    sid = wd("POST", f"{d}/session", {"capabilities": {"alwaysMatch": {
        "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": flags}}}})["sessionId"]
    s = f"{d}/session/{sid}"

    def find(css):
        return list(wd("POST", f"{s}/element", {"using": "css selector", "value": css}).values())[0]

    if not args.anonymous:
        wd("POST", f"{s}/url", {"url": base + "/signin"})
        wd("POST", f"{s}/element/{find('input[name=name]')}/value", {"text": args.user})
        wd("POST", f"{s}/element/{find('input[name=password]')}/value", {"text": password})
        wd("POST", f"{s}/element/{find('form[action=' + chr(39) + '/signin' + chr(39) + '] button')}/click", {})
        time.sleep(0.5)
    demo_id = ""
    if any("{demo}" in p for p in args.paths):
        # The demo client's id, from the therapist's dashboard.
        wd("POST", f"{s}/url", {"url": base + "/clients"}); time.sleep(0.3)
        js = ("var a = Array.from(document.querySelectorAll('a[href^=\"/clients/\"]'))"
              ".find(function (x) { return x.getAttribute('href') !== '/clients/sessions'; });"
              " return a ? a.getAttribute('href').split('/')[2] : '';")
        demo_id = wd("POST", f"{s}/execute/sync", {"script": js, "args": []})
    link_id = ""
    if any("{link}" in p for p in args.paths):
        # The client's first link with a therapist, from the Sharing page.
        wd("POST", f"{s}/url", {"url": base + "/sharing"}); time.sleep(0.3)
        js = ("var a = document.querySelector('a[href$=\"/preview\"]');"
              " return a ? a.getAttribute('href').split('/')[2] : '';")
        link_id = wd("POST", f"{s}/execute/sync", {"script": js, "args": []})
    entry_id = ""
    if any("{entry}" in p for p in args.paths):
        # The newest journal entry.
        wd("POST", f"{s}/url", {"url": base + "/journal"}); time.sleep(0.3)
        js = ("var a = Array.from(document.querySelectorAll('a[href^=\"/journal/\"]'))"
              ".find(function (x) { return /^\\/journal\\/[0-9a-f-]{36}$/.test(x.getAttribute('href')); });"
              " return a ? a.getAttribute('href').split('/')[2] : '';")
        entry_id = wd("POST", f"{s}/execute/sync", {"script": js, "args": []})
    for spec in args.paths:
        name, path = spec.split("=", 1) if "=" in spec else (spec.strip("/").replace("/", "-").replace("{demo}", "demo").replace("{link}", "link") or "home", spec)
        path = path.replace("{demo}", demo_id).replace("{link}", link_id).replace("{entry}", entry_id)
        for width in (390, 1280):
            wd("POST", f"{s}/window/rect", {"width": width, "height": 900})
            wd("POST", f"{s}/url", {"url": base + path}); time.sleep(0.4)
            # The window's height includes the browser's own frame: add it, or
            # the bottom of the page is cut off.
            height = wd("POST", f"{s}/execute/sync", {"script": "return document.documentElement.scrollHeight + (window.outerHeight - window.innerHeight)", "args": []})
            wd("POST", f"{s}/window/rect", {"width": width, "height": min(max(height, 600), 4000)})
            time.sleep(0.2)
            png = base64.b64decode(wd("GET", f"{s}/screenshot"))
            target = os.path.join(args.out, f"{name}-{width}.png")
            open(target, "wb").write(png)
            print(target)
    wd("DELETE", s)
finally:
    server.terminate(); driver.terminate()
