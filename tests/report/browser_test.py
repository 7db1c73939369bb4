#!/usr/bin/env python3
"""Browser test of `mnsim report` (ctest label `browser`).

Usage: browser_test.py MNSIM_EXE SOURCE_DIR ARTIFACT_DIR

For the default case: writes report.html and report.pdf, renders the page in
headless Chromium and fails on any page error (the page records every error,
console.error and rejected figure in body[data-errors]) or console error in
Chromium's log, on a figure that drew no mark (body[data-empty]), or on a page
that never became ready; keeps a PNG screenshot in ARTIFACT_DIR; checks that
the page loads nothing from the network and the PDF's page count (pdfinfo).
Then renders the report of every example case in cases/ the same way, and
one `report --patient` of a small records database (its History section).
"""

import os
import re
import shutil
import subprocess
import sys

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--run-all-compositor-stages-before-draw", "--virtual-time-budget=30000",
                  "--enable-logging=stderr", "--v=0"]
failures = []


def fail(msg):
    print("FAIL: " + msg)
    failures.append(msg)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    print("FAIL: no Chromium on PATH; scripts/setup-deps installs Debian's chromium")
    sys.exit(1)


def report(exe, case, out):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")
    args = [exe, "report", "--out", out] + ([case] if case else []) + (["--pdf"] if not case else [])
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1500)
    if r.returncode != 0:
        fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        return None
    return os.path.join(out, "report.html")


def check_page(browser, html, label, min_figures, must_show=()):
    r = subprocess.run([browser] + CHROMIUM_FLAGS + ["--dump-dom", "file://" + os.path.abspath(html)],
                       capture_output=True, text=True, timeout=300)
    body = re.findall(r"<body[^>]*>", r.stdout)
    if not body:
        fail(f"{label}: Chromium printed no page (exit {r.returncode})")
        return
    attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', body[-1]))
    if attrs.get("status") != "ready":
        fail(f"{label}: the page never became ready (status {attrs.get('status')})")
    if attrs.get("errors", "0") != "0":
        m = re.search(r'<pre id="errors"[^>]*>(.*?)</pre>', r.stdout, re.S)
        fail(f"{label}: {attrs.get('errors')} page error(s): {m.group(1).strip() if m else ''}")
    if attrs.get("empty", "?") != "0":
        fail(f"{label}: {attrs.get('empty')} figure(s) drew no mark")
    if int(attrs.get("figures", "0")) < min_figures:
        fail(f"{label}: {attrs.get('figures')} figures, expected at least {min_figures}")
    # Text the page's script must have rendered (not only carried in its data).
    page_text = re.sub(r"<script[^>]*>.*?</script>", "", r.stdout, flags=re.S)
    for needle in must_show:
        if needle not in page_text:
            fail(f"{label}: the rendered page does not show {needle!r}")
    console = [ln for ln in r.stderr.splitlines()
               if "CONSOLE" in ln and re.search(r"error|uncaught", ln, re.I)]
    if console:
        fail(f"{label}: console errors: {console[:3]}")
    print(f"{label}: status {attrs.get('status')}, {attrs.get('figures')} figures, "
          f"{attrs.get('empty')} empty, {attrs.get('errors')} errors")


def records_report(exe, browser, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    default = subprocess.run([exe, "case", "show-default"], capture_output=True, text=True).stdout
    head, tail = default.split("[[zones]]", 1)[0], "[course]" + default.split("[course]", 1)[1]
    case = os.path.join(out, "session.toml")
    with open(case, "w", encoding="utf-8") as f:
        f.write(head + '[[zones]]\nsite = "cheek"\nindication = "acne_scars"\ndepth_mm = 1.0\n\n' + tail)
    db = os.path.join(out, "clinic.db")
    for args in (["init"],
                 ["patient", "add", "--id", "P1", "--birth-year", "1981", "--sex", "female", "--fitzpatrick", "3"],
                 ["device", "add", "--id", "D1", "--model", "pen-16-120hz"],
                 ["session", "add", "--patient", "P1", "--device", "D1", "--date", "2026-09-01", "--case", case],
                 ["observe", "--patient", "P1", "--date", "2026-09-01", "--erythema-resolved-day", "7",
                  "--pain", "5"]):
        r = subprocess.run([exe, "records", "--db", db] + args, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"records {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
            return
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")
    page_dir = os.path.join(out, "report")
    r = subprocess.run([exe, "report", "--db", db, "--patient", "P1", "--date", "2026-10-06", "--out", page_dir],
                       env=env, capture_output=True, text=True, timeout=1500)
    if r.returncode != 0:
        fail(f"report --patient exited {r.returncode}: {r.stderr.strip()}")
        return
    check_page(browser, os.path.join(page_dir, "report.html"), "records report", 6,
               must_show=('id="history-sessions"', "2026-09-01", "D1 (0)",
                          "Personalised plan and population plan", 'id="history-plans"'))


def main():
    exe, source_dir, artifacts = sys.argv[1:4]
    os.makedirs(artifacts, exist_ok=True)
    browser = chromium()
    out = os.path.join(artifacts, "default")
    shutil.rmtree(out, ignore_errors=True)
    html = report(exe, None, out)
    if html is None:
        return 1
    text = open(html, encoding="utf-8").read()
    # Offline: no script, style sheet or image is loaded from elsewhere.
    # (the inlined scripts' own text is left out: only the page's elements count)
    markup = re.sub(r"(<script[^>]*>).*?</script>", r"\1</script>", text, flags=re.S)
    external = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?!data:)[^"]*"', markup)
    if external:
        fail(f"the page loads external resources: {external[:3]}")
    for needle in ("mnsim informs decisions; it does not make them", 'id="mnsim-data"', "vegaEmbed"):
        if needle not in text:
            fail(f"report.html lacks {needle!r}")
    # 4 zones x 5 figures + the map.
    # The intervals (issue 13): in the plan table, the depth figure's caption,
    # the redness and collagen captions.
    check_page(browser, html, "default case", 21,
               must_show=("predicted depth, \u00b5m: p50 (p10\u2013p90)", "Blue band: the mean channel depth",
                          "Across people and the model: day", "p10\u2013p90 over 32 draws"))
    shot = os.path.join(artifacts, "report.png")
    subprocess.run([browser] + CHROMIUM_FLAGS + ["--window-size=1100,2400", "--screenshot=" + shot,
                                                 "file://" + os.path.abspath(html)],
                   capture_output=True, timeout=300)
    if not os.path.exists(shot) or os.path.getsize(shot) < 20000:
        fail("no screenshot (or an almost empty one) at " + shot)
    else:
        print("screenshot: " + shot)
    pdf = os.path.join(out, "report.pdf")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True)
    m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    pages = int(m.group(1)) if m else 0
    # Each of the 4 zones starts a page; the title, plan and map take 2-3, the
    # limitations 1; a zone takes at most 3 pages.
    if not 1 + 4 + 1 <= pages <= 3 + 4 * 3 + 2:
        fail(f"report.pdf has {pages} pages; expected 6 to 17")
    else:
        print(f"report.pdf: {pages} pages")
    # Every example case.
    for name in sorted(os.listdir(os.path.join(source_dir, "cases"))):
        # default.toml is the built-in default case, rendered above.
        if not name.endswith(".toml") or name == "default.toml":
            continue
        out = os.path.join(artifacts, "case-" + name[:-5])
        shutil.rmtree(out, ignore_errors=True)
        html = report(exe, os.path.join(source_dir, "cases", name), out)
        if html:
            check_page(browser, html, name, 1)
    # One report from a records database (docs/records.md): the History
    # section's table must be drawn.
    records_report(exe, browser, os.path.join(artifacts, "records"))
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
