"""The queue a class shares: heavy events have their own few slots and cannot delay light ones;
a full queue refuses a request in the user's language, and the user can retry.

The app's own wiring (``create_app``: queue groups, the refusal middleware, ``/healthz``) is run
on a test tab whose heavy event blocks until the test releases it, served by uvicorn on
127.0.0.1 in this process."""

import contextvars
import os
import sys
import threading
import time
import types

import httpx
import pytest
from gradio_wire import served

from genlab.app import serving
from genlab.limits import QueueLimits

HEAVY_API = {  # events that run or train a neural network for as long as the request asks
    "autoregressive_generate", "autoregressive_score", "discriminative_mle_kl", "taxonomy_compare",
    "gan_generate", "gan_interpolate", "gan_train_toy", "vae_reconstruct", "vae_sample_prior",
    "vae_interpolate", "diffusion_generate", "ethics_bias", "ethics_verify", "ethics_verify_upload",
    "ethics_example"}
LIGHT_API = {"discriminative_redraw", "discriminative_recompute", "discriminative_refit",
             "probability_surface", "probability_kde", "probability_moments", "vae_digit_walk",
             "autoregressive_alternatives"}


def test_every_queued_event_of_the_app_is_heavy_or_light():
    from genlab.app import build_blocks

    limits = QueueLimits(heavy_jobs=3, light_jobs=5, queue_size=17, max_sessions=42)
    blocks = serving.configure_queue(build_blocks("en"), limits)
    queued = {fn.api_name: fn for fn in blocks.fns.values() if fn.queue}
    heavy = {name for name, fn in queued.items() if fn.concurrency_id == "heavy"}
    assert heavy == HEAVY_API
    assert LIGHT_API <= {name for name, fn in queued.items() if fn.concurrency_id == "light"}
    assert {fn.concurrency_id for fn in queued.values()} == {"heavy", "light"}
    assert {fn.concurrency_limit for fn in queued.values() if fn.concurrency_id == "heavy"} == {3}
    assert {fn.concurrency_limit for fn in queued.values() if fn.concurrency_id == "light"} == {5}
    assert blocks._queue.max_size == 17 and blocks.state_session_capacity == 42
    assert blocks.delete_cache == (int(limits.sweep_seconds), int(limits.file_seconds))
    stop = [fn for fn in blocks.fns.values() if fn.api_name == "autoregressive_stop"]
    assert stop and not stop[0].queue  # Stop must reach a running generation at once


def test_heavy_handlers_run_at_a_lower_cpu_priority_in_the_callers_context():
    threads = serving.LowPriorityThreads(2, 10)
    caller = contextvars.ContextVar("caller")
    caller.set("this request")

    def nice():
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def answer(x):
        return x, nice(), caller.get()

    def steps(n):
        for i in range(n):
            yield i, nice(), caller.get()

    lower = min(19, nice() + 10) if sys.platform == "linux" else nice()
    assert threads.wrap(answer)(7) == (7, lower, "this request")
    assert list(threads.wrap(steps)(3)) == [(i, lower, "this request") for i in range(3)]
    assert nice() == lower - 10 or lower == 19  # the caller's own priority is untouched


# ---------------------------------------------------------------- a served test tab

RELEASE = threading.Event()


def _test_tab():
    """A tab module (TITLE, STRINGS, render) with one heavy event that blocks until RELEASE."""
    module = types.ModuleType("genlab.app.tabs.queuetest")
    module.TITLE = {"en": "Queue test", "ru": "Тест очереди"}
    module.STRINGS = {"en": {}, "ru": {}}

    def heavy(x):
        RELEASE.wait(600)  # bounded, and long enough for a loaded CI machine: the test releases it
        return x

    def light(x):
        return x + 1

    def render(lang):
        import gradio as gr

        box, out = gr.Number(0), gr.Number()
        gr.Button("heavy").click(heavy, box, out, api_name="test_heavy", **serving.HEAVY)
        gr.Button("light").click(light, box, out, api_name="test_light")

    module.render = render
    return module


@pytest.fixture(scope="module")
def tiny_class():
    """The app with the test tab only: 1 heavy slot, a queue of 2."""
    from genlab.app import create_app

    RELEASE.clear()
    sys.modules["genlab.app.tabs.queuetest"] = _test_tab()
    try:
        app = create_app("en", sections=("queuetest",),
                         queue=QueueLimits(heavy_jobs=1, light_jobs=2, queue_size=2))
        with served(app) as url:
            yield url
    finally:
        RELEASE.set()
        sys.modules.pop("genlab.app.tabs.queuetest", None)


def join(url, lang, api_name, session, value, headers=None):
    """What a browser sends to queue an event: POST /LANG/gradio_api/queue/join."""
    config = httpx.get(f"{url}/{lang}/config", timeout=30).json()
    fn_index = next(d["id"] for d in config["dependencies"] if d["api_name"] == api_name)
    return httpx.post(f"{url}/{lang}/gradio_api/queue/join", timeout=30, headers=headers or {},
                      json={"data": [value], "fn_index": fn_index, "session_hash": session,
                            "event_data": None, "trigger_id": None})


def wait_until_queued(url, reached, within_s=60):
    """Wait until /healthz's queue counts satisfy ``reached`` (the clients submit in background
    threads, which a loaded CI machine may start late: this waits for the state, it measures nothing)."""
    deadline = time.monotonic() + within_s
    while not reached(queued := httpx.get(f"{url}/healthz").json()["queued"]):
        assert time.monotonic() < deadline, f"the heavy events did not queue within {within_s} s: {queued}"
        time.sleep(0.1)


def wait_until_running(job, within_s=60):
    """Wait until the server has started ``job`` (its "process_starts" message), so that the
    next submissions queue behind it: were three sent at once, the queue of 2 could refuse the
    third before the first one left it."""
    from gradio_client.utils import Status

    deadline = time.monotonic() + within_s
    while (status := job.status().code) != Status.PROCESSING:
        assert time.monotonic() < deadline, f"the first heavy event did not start within {within_s} s: {status}"
        time.sleep(0.05)


def test_light_events_are_not_delayed_by_heavy_ones_and_a_full_queue_refuses_in_the_users_language(tiny_class):
    from gradio_client import Client
    from gradio_client.utils import QueueError

    url = tiny_class
    client = Client(f"{url}/en/", verbose=False, download_files=False)
    running = client.submit(1, api_name="/test_heavy")           # takes the only heavy slot
    wait_until_running(running)
    waiting = [client.submit(i, api_name="/test_heavy") for i in (2, 3)]  # fill the queue (2)
    wait_until_queued(url, lambda queued: sum(queued.values()) >= 2)

    # A light event has its own slots: it answers at once although the heavy group is stuck.
    ru = Client(f"{url}/ru/", verbose=False, download_files=False)
    start = time.perf_counter()
    assert ru.predict(41, api_name="/test_light") == 42
    assert time.perf_counter() - start < 5

    # The English page's queue is full now: an API client gets QueueError, a browser a 429
    # whose text is shown as it is, with Retry-After.
    with pytest.raises(QueueError):
        client.predict(4, api_name="/test_heavy")
    page = join(url, "en", "test_heavy", "browser-en", 5)
    assert page.status_code == 429 and page.headers["retry-after"] == "5"
    assert page.json()["detail"] == ("queue: the server is busy, requests waiting: 2 (the limit is 2); "
                                     "try again in a few seconds")
    api = join(url, "en", "test_heavy", "api-en", 5, headers={"x-gradio-user": "api"})
    assert api.status_code == 503 and "the server is busy" in api.json()["detail"]

    # Each page has its own queue: fill the Russian one and its refusal is in Russian.
    ru_running = ru.submit(6, api_name="/test_heavy")
    wait_until_running(ru_running)
    ru_waiting = [ru_running] + [ru.submit(i, api_name="/test_heavy") for i in (7, 8)]
    wait_until_queued(url, lambda queued: queued["ru"] >= 2)
    refused_ru = join(url, "ru", "test_heavy", "browser-ru", 9)
    assert refused_ru.status_code == 429
    assert refused_ru.json()["detail"] == ("очередь: сервер занят, ожидающих запросов: 2 (предел 2); "
                                           "повторите через несколько секунд")

    # The jobs finish, and a retry is accepted.
    RELEASE.set()
    assert running.result(timeout=30) == 1
    assert [job.result(timeout=30) for job in waiting] == [2, 3]
    assert [job.result(timeout=30) for job in ru_waiting] == [6, 7, 8]
    assert client.predict(10, api_name="/test_heavy") == 10
    client.close()
    ru.close()


def test_a_new_session_copies_no_component_config_until_one_is_read(monkeypatch):
    """Gradio's session state, made cheap (``serving.lazy_session_configs``): a session's first
    event computes no component's config, and every config read is what Gradio's own session
    would hold, before and after an event's output replaces one."""
    import gradio as gr
    from gradio import state_holder

    original = state_holder.SessionState
    while getattr(original, "genlab_lazy", False):               # an app built earlier installed it
        original = original.__mro__[1]
    monkeypatch.setattr(state_holder, "SessionState", original)   # restored after the test
    assert serving.lazy_session_configs() and state_holder.SessionState is not original
    with gr.Blocks() as blocks:
        box, plot = gr.Textbox("a"), gr.Markdown("b")
        box.change(lambda x: x, box, plot)
    calls = []
    config_for_block = blocks.default_config.config_for_block
    monkeypatch.setattr(type(blocks.default_config), "config_for_block",
                        staticmethod(lambda *a, **k: calls.append(a[0]) or config_for_block(*a, **k)))
    lazy, eager = state_holder.SessionState(blocks), original(blocks)
    assert set(vars(lazy)) == set(vars(eager))
    calls.clear()
    lazy_again = state_holder.SessionState(blocks)
    assert calls == []                                       # nothing computed up front
    def by_id(session):   # deep links (the only reader) look components up by id: order is not kept
        return sorted(session.components, key=lambda c: c["id"])

    assert by_id(lazy) == by_id(eager) and len(lazy.config_values) == len(eager.config_values)
    for session in (lazy_again, eager):
        session[plot._id] = gr.Markdown("new")               # what an event's output does
    assert lazy_again.config_values[plot._id] == eager.config_values[plot._id]
    assert by_id(lazy_again) == by_id(eager)
    assert serving.lazy_session_configs()                    # once is enough


def test_healthz_answers_with_cheap_counters(tiny_class):
    health = httpx.get(f"{tiny_class}/healthz").json()
    assert health["status"] == "ok" and health["rss_mb"] > 0
    assert set(health["sessions"]) == set(health["queued"]) == {"en", "ru"}


def test_a_refusal_passes_other_503s_unchanged():
    import asyncio

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b'{"detail":"Queue is stopped."}'})

    sent = []

    async def send(message):
        sent.append(message)

    middleware = serving.RefuseInUserLanguage(app, langs=("en", "ru"))
    scope = {"type": "http", "method": "POST", "path": "/ru/gradio_api/queue/join", "headers": []}
    asyncio.run(middleware(scope, None, send))
    assert sent[0]["status"] == 503 and sent[1]["body"] == b'{"detail":"Queue is stopped."}'
