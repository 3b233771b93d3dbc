#!/usr/bin/env python3
"""Takes the README's screenshots: a demo account in a throwaway store,
`between serve` on 127.0.0.1, and headless Chromium driven over WebDriver.

Usage: scripts/screenshots.py [path/to/between]   (needs chromium + chromium-driver;
default target/release/between, a debug build works too)
Writes docs/*.png.
"""
import base64, json, os, re, socket, subprocess, sys, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/release/between")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wd(method, url, body=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())["value"]

tmp = tempfile.mkdtemp()
env = dict(os.environ, BETWEEN_DATA_DIR=os.path.join(tmp, "data"), BETWEEN_CONFIG_DIR=os.path.join(tmp, "config"),
           BETWEEN_KDF="m=64,t=1,p=1")
out = subprocess.run([binary, "demo", "--years", "2", "--seed", "4"], env=env, capture_output=True, text=True, check=True).stdout
password = re.search(r"with the password: (\S+)", out).group(1)
therapist_password = re.search(r"\(password: ([^)\s]+)\)", out).group(1)
port, dport = free_port(), free_port()
server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
driver = subprocess.Popen(["chromedriver", f"--port={dport}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    time.sleep(1.5)
    base, d = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dport}"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            f"--user-data-dir={tmp}/profile"]
    sid = wd("POST", f"{d}/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}})["sessionId"]
    s = f"{d}/session/{sid}"
    def find(css): return list(wd("POST", f"{s}/element", {"using": "css selector", "value": css}).values())[0]
    def shot(name, w, h, path):
        wd("POST", f"{s}/window/rect", {"width": w, "height": h})
        wd("POST", f"{s}/url", {"url": base + path}); time.sleep(0.5)
        png = base64.b64decode(wd("GET", f"{s}/screenshot"))
        open(os.path.join(root, "docs", name), "wb").write(png)
        print("wrote docs/" + name)
    def sign_in(name, pw):
        wd("POST", f"{s}/url", {"url": base + "/signin"})
        wd("POST", f"{s}/element/{find('input[name=name]')}/value", {"text": name})
        wd("POST", f"{s}/element/{find('input[name=password]')}/value", {"text": pw})
        button = find("form[action='/signin'] button")
        wd("POST", f"{s}/element/{button}/click", {}); time.sleep(0.5)
    sign_in("demo", password)
    shot("home.png", 1280, 1000, "/")
    shot("home-phone.png", 390, 1400, "/")
    shot("journal.png", 1280, 900, "/journal")
    shot("new-entry.png", 1280, 1400, "/journal/new")
    shot("journal-phone.png", 390, 844, "/journal")
    shot("feedback.png", 1280, 1100, "/feedback")
    wd("POST", f"{s}/url", {"url": base + "/goals"}); time.sleep(0.3)
    goal = wd("GET", f"{s}/element/{find('a.goal-title')}/attribute/href")
    shot("goal.png", 1280, 1100, goal)
    shot("agenda.png", 1280, 1300, "/agenda")
    shot("agenda-phone.png", 390, 1400, "/agenda")
    shot("review.png", 1280, 1500, "/review")
    wd("DELETE", f"{s}/cookie")
    sign_in("demo-therapist", therapist_password)
    shot("clients.png", 1280, 800, "/clients")
    wd("POST", f"{s}/url", {"url": base + "/clients"}); time.sleep(0.3)
    client = wd("GET", f"{s}/element/{find('main a[href^=' + chr(39) + '/clients/' + chr(39) + ']')}/attribute/href")
    shot("client.png", 1280, 1500, client)
    wd("DELETE", s)
finally:
    server.terminate(); driver.terminate()
