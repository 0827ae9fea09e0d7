"""Over HTTP on loopback: gunicorn servers, simulated users, and the restart run that counts
acknowledged-but-lost answers."""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import ROOT  # noqa: I001
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "bench.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start: " + process.stderr.read().decode()[-500:])


def http_load(port, seconds, users, cookies, urls, autosave, question, choices):
    """`users` threads request pages in turn for `seconds`, then stop; latencies per page.

    `port` may be a list: user i then talks to the server on port[i % len(port)]."""
    ports = port if isinstance(port, list) else [port]
    latencies: dict[str, list[float]] = {label: [] for label, _who, _url in urls}
    latencies["saving one answer (autosave)"] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def user(index):
        port = ports[index % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        rng = random.Random(index)
        step = index
        while time.monotonic() < deadline:
            label, who, url = urls[step % len(urls)]
            step += 1
            headers = {"Cookie": cookies[who]}
            start = time.perf_counter()
            try:
                if label == "autosave":
                    body = f"q-{question}={rng.choice(choices)}&initial-q-{question}="
                    headers.update(
                        {
                            "Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": cookies["csrf"],
                        }
                    )
                    conn.request("POST", autosave, body=body, headers=headers)
                    label = "saving one answer (autosave)"
                else:
                    conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    # Users share the question: a 409 (conflict) is an answer too.
                    if response.status == 200 or (response.status == 409 and "saving" in label):
                        latencies[label].append(elapsed)
                    else:
                        errors.append(f"{label}: HTTP {response.status}")
            except OSError as error:
                with lock:
                    errors.append(f"{label}: {error}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - start


def restart_run(ports, seconds, clients, cookies, draft_pk, questions, choices_of):
    """Clients spread over both servers save answers, as static/js/autosave.js does
    (only the touched field, with its `initial-` reference: the value last
    acknowledged), while the server on ports[0] is stopped and started again.

    Client i alone writes question i, so its last acknowledged value must be
    what the database holds at the end, unless a later request whose answer was
    lost (connection cut) stored another value it sent: that is not a loss. A
    409 is a conflict (such a request did land): the client adopts the stored
    value, as the page does. Returns the counts and the restart's downtime."""
    from diagnostics.models import Answer
    from diagnostics.services import choice_token

    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"acknowledged": 0, "conflicts": 0, "failed": 0}
    state = {}  # question → (last acknowledged token, tokens sent since without an answer)

    def client(index):
        question = questions[index]
        rng = random.Random(index)
        acknowledged, unanswered = "", set()
        url = reverse("diagnostics:autosave", args=[draft_pk, question])
        step = 0
        while time.monotonic() < deadline and step < 100_000:
            port = ports[(index + step) % len(ports)]
            step += 1
            token = str(rng.choice([c for c in choices_of[question] if str(c) != acknowledged]))
            body = f"q-{question}={token}&initial-q-{question}={acknowledged}"
            headers = {
                "Cookie": cookies["director"],
                "X-CSRFToken": cookies["csrf"],
                "Content-Type": "application/x-www-form-urlencoded",
            }
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", url, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                conn.close()
            except OSError:
                unanswered.add(token)
                with lock:
                    counts["failed"] += 1
                time.sleep(0.05)
                continue
            if response.status == 200:
                acknowledged, unanswered = json.loads(payload)["answer"]["choice"], set()
                with lock:
                    counts["acknowledged"] += 1
            elif response.status == 409:
                acknowledged, unanswered = json.loads(payload)["conflict"]["choice"], set()
                with lock:
                    counts["conflicts"] += 1
            else:
                unanswered.add(token)
                with lock:
                    counts["failed"] += 1
                time.sleep(0.05)
        state[question] = (acknowledged, unanswered)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    stopped = time.perf_counter()
    servers[0].terminate()  # SIGTERM: gunicorn finishes the requests in flight
    servers[0].wait(timeout=40)
    servers[0] = start_gunicorn(ports[0])
    downtime = time.perf_counter() - stopped
    for thread in threads:
        thread.join()
    stored = {
        answer.question_id: choice_token(answer)
        for answer in Answer.objects.filter(diagnostic_id=draft_pk, question_id__in=questions)
    }
    lost = sum(
        1
        for question, (acknowledged, unanswered) in state.items()
        if acknowledged
        and stored.get(question, "") != acknowledged
        and stored.get(question, "") not in unanswered
    )
    connection.close()
    return counts, lost, downtime


servers: list[subprocess.Popen] = []
