"""First start: an empty store fills itself with the demo data in the background.

Generating the demo takes seconds (more at a larger size), longer than a first page should take.
So the first run that finds the store empty starts one thread per store and process, and every
session shows its progress and polls it (a fragment that reruns itself) until it is done; the
navigation is drawn before, so the sidebar shows the pages' titles meanwhile."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import streamlit as st

from analytics import db
from analytics.i18n import catalog

log = logging.getLogger(__name__)

POLL_SECONDS = 0.7


@dataclass
class DemoJob:
    """One background generation: its progress (0..1, a step name) and how it ended."""

    fraction: float = 0.0
    step: str = "starting"
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.finished.is_set()

    def report(self, fraction: float, step: str) -> None:
        self.fraction, self.step = max(0.0, min(1.0, fraction)), step

    def wait(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)


_JOBS: dict[str, DemoJob] = {}
_LOCK = threading.Lock()


def _generate(con: duckdb.DuckDBPyConnection, job: DemoJob) -> None:
    from analytics.generator import generate_demo

    try:
        generate_demo(con, progress=job.report)
    except Exception as exc:  # shown to the person waiting; the store is left as it was
        log.exception("demo generation failed")
        job.error = str(exc) or type(exc).__name__
    finally:
        job.finished.set()


def _key(store: str | os.PathLike) -> str:
    return str(store) if str(store) == ":memory:" else str(Path(store).resolve())


def job_for(store: str | os.PathLike) -> DemoJob | None:
    """The generation started for `store` in this process, if any."""
    return _JOBS.get(_key(store))


def demo_job(con: duckdb.DuckDBPyConnection, store: str | os.PathLike) -> DemoJob | None:
    """The demo generation for `store`: started now when the store is empty and the demo was
    never declined, the running or just finished one, or None when there is nothing to do."""
    store = _key(store)
    with _LOCK:
        job = _JOBS.get(store)
        if job is not None:
            return job
        if db.is_read_only(con) or not db.is_empty(con) or db.get_meta(con, "demo_declined") is not None:
            return None
        job = _JOBS[store] = DemoJob()
        threading.Thread(target=_generate, args=(con, job), name="demo-generation", daemon=True).start()
        return job


def forget(store: str | os.PathLike) -> None:
    """Drop a finished job, so an emptied store may be filled again (tests, a cleared demo)."""
    store = _key(store)
    with _LOCK:
        job = _JOBS.get(store)
        if job is not None and not job.running:
            del _JOBS[store]


def step_message(step: str) -> str:
    """The message key of a generator step (a step without its own words: the general one)."""
    key = f"common.demo_progress_{step}"
    return key if key in catalog() else "common.demo_progress_starting"


def show_progress(job: DemoJob, tr, on_done) -> None:  # noqa: ANN001 (callables from the page)
    """The waiting screen: what is happening and a progress bar, redrawn every POLL_SECONDS;
    once the job ends, `on_done()` (which clears the caches) and the whole app runs again."""

    @st.fragment(run_every=POLL_SECONDS)
    def progress() -> None:
        if not job.running:
            on_done()
            if job.error is None:
                st.rerun(scope="app")
            st.error(tr("common.demo_failed", error=job.error), icon=":material/error:")
            return
        st.progress(job.fraction, text=tr(step_message(job.step)))

    st.info(tr("common.demo_first_start"), icon=":material/science:")
    progress()
