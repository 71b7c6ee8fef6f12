"""inventory's import queue: runs the spreadsheet import jobs that uploads recorded, never in
an RPC worker.

An upload only records its job, queued, with the file's bytes (spreadsheets.enqueue_import):
in inventory's database rather than in a process's memory or a directory, so that a queued job
survives a restart of the process that took the upload, any replica can run it (a directory
would need a volume shared by every pod), and the job and its file are written, backed up and
deleted together (no file without its job, no job without its file).

Each inventory process runs one dispatcher, a managed thread (like the outbox relay): woken
by an upload in this process, or every IMPORT_POLL_SECONDS for uploads other replicas took,
it claims queued jobs, oldest first, by a conditional update (`status = 'queued'`, so one
process takes a job), within the bounds: at most xlsx_reader.PARSERS jobs in this process,
IMPORT_RUNNING_PER_ACCOUNT per uploader and IMPORT_RUNNING_PER_PROJECT per project (counted
over every process's running jobs when it claims; two replicas claiming at the same instant
may each take one). A job skipped for its bounds keeps its place. Each claimed job runs in its
own managed thread (spreadsheets.run_import: the parse in a child process with its own budget,
IMPORT_PARSE_SECONDS; no RPC worker, no database connection held while it parses).

A running job beats (heartbeat_at) when it is claimed, after the parse and at each progress
commit. One whose process died stops beating: after IMPORT_STALE_SECONDS any dispatcher queues
it again, and after IMPORT_MAX_ATTEMPTS it fails IMPORT_INTERRUPTED. A process that stops
gives its running jobs back at once. The apply is one transaction with the job's end, so a job
run twice never imports twice.
"""
import logging
from collections import Counter
from contextlib import closing
from datetime import timedelta
from functools import partial

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from sqlalchemy import select, update

from loupan.db import Database
from loupan.types import utcnow
from loupan.uow import UnitOfWork
from services.inventory import spreadsheets
from services.inventory.models import UnitImport
from services.inventory.xlsx_reader import CHILD_GRACE, PARSE_SECONDS, PARSERS

log = logging.getLogger(__name__)
DEFAULTS = {"IMPORT_RUNNING_PER_ACCOUNT": 1, "IMPORT_RUNNING_PER_PROJECT": 1, "IMPORT_PARSE_SECONDS": PARSE_SECONDS,
            "IMPORT_POLL_SECONDS": 2, "IMPORT_STALE_SECONDS": 300, "IMPORT_MAX_ATTEMPTS": 3}
SCAN = 500  # queued jobs looked at per pass (the queue holds at most IMPORT_QUEUE_TOTAL)
INTERRUPTED = '[{"row": null, "number": null, "reasons": ["the import was interrupted %d times; upload the file again"]}]'


class ImportQueue(DependencyProvider):
    """`self.imports` in inventory: `limits` (the upload's queue bounds) and `wake()`."""

    def setup(self):
        config = self.container.config
        self.settings = {key: float(config.get(key) or default) for key, default in DEFAULTS.items()}
        self.parse_seconds = max(1, int(self.settings["IMPORT_PARSE_SECONDS"]))
        # a job never goes stale while its parse may still run
        self.stale_seconds = max(self.settings["IMPORT_STALE_SECONDS"], 2 * (self.parse_seconds + CHILD_GRACE))
        self.limits = spreadsheets.queue_limits(config)
        self.database = next(d for d in self.container.dependencies if isinstance(d, Database))
        self.running = {}  # job id -> its managed thread, in this process
        self._wake = Event()
        self._stopping = False

    def start(self):
        self.container.spawn_managed_thread(self._loop, identifier="unit-import-queue")

    def stop(self):
        self._stopping = True
        self.wake()
        self._give_back()

    def kill(self):
        self._stopping = True
        self.wake()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self):
        """Look at the queue now (an upload was committed, a job ended)."""
        if not self._wake.ready():
            self._wake.send()

    def new_uow(self):
        return UnitOfWork(self.database.engine, self.database.outbox, self.database.metadata)

    def _loop(self):
        poll = self.settings["IMPORT_POLL_SECONDS"]
        while not self._stopping:
            self._wake = Event()  # a wake from here on is seen by the wait below
            try:
                self.dispatch()
            except Exception:  # noqa: BLE001 - the database away, say: the next pass tries again
                log.exception("import queue: a pass failed; the next in %gs", poll)
            with eventlet.Timeout(poll, False):
                self._wake.wait()

    def dispatch(self):
        """One pass: queue stale jobs again, then claim what the bounds allow and run it."""
        now = utcnow()
        claimed = []
        with closing(self.new_uow()) as uow:
            session = uow.session
            self._requeue_stale(session, now)
            free = PARSERS - len(self.running)
            if free > 0:
                running = session.execute(select(UnitImport.created_by, UnitImport.project_id)
                                          .where(UnitImport.status == "running")).all()
                accounts = Counter(r.created_by for r in running)
                projects = Counter(r.project_id for r in running)
                queued = session.execute(select(UnitImport.id, UnitImport.created_by, UnitImport.project_id)
                                         .where(UnitImport.status == "queued")
                                         .order_by(UnitImport.id).limit(SCAN)).all()
                for job in queued:
                    if len(claimed) >= free:
                        break
                    if accounts[job.created_by] >= self.settings["IMPORT_RUNNING_PER_ACCOUNT"] \
                            or projects[job.project_id] >= self.settings["IMPORT_RUNNING_PER_PROJECT"]:
                        continue  # keeps its place; taken when its uploader's or project's job ends
                    taken = session.execute(
                        update(UnitImport).where(UnitImport.id == job.id, UnitImport.status == "queued")
                        .values(status="running", started_at=now, heartbeat_at=now,
                                attempts=UnitImport.attempts + 1)).rowcount
                    if taken == 1:
                        claimed.append(job.id)
                        accounts[job.created_by] += 1
                        projects[job.project_id] += 1
            uow.commit()
        for job_id in claimed:
            self.running[job_id] = self.container.spawn_managed_thread(
                partial(self._run, job_id), identifier=f"unit-import-{job_id}")
        return claimed

    def _run(self, job_id):
        try:
            spreadsheets.run_import(self.new_uow, job_id, self.parse_seconds)
        finally:
            self.running.pop(job_id, None)
            self.wake()  # a slot is free

    def _requeue_stale(self, session, now):
        cutoff = now - timedelta(seconds=self.stale_seconds)
        stale = session.execute(select(UnitImport.id, UnitImport.attempts).where(
            UnitImport.status == "running", UnitImport.heartbeat_at < cutoff)).all()
        for job in stale:
            if job.id in self.running:
                continue  # ours and alive (a slow step): not stale
            where = (UnitImport.id == job.id, UnitImport.status == "running", UnitImport.heartbeat_at < cutoff)
            if job.attempts >= self.settings["IMPORT_MAX_ATTEMPTS"]:
                values = {"status": "failed", "error_code": "IMPORT_INTERRUPTED", "finished_at": now,
                          "errors": INTERRUPTED % job.attempts, "content": None, "actor": None}
            else:
                values = {"status": "queued"}
            if session.execute(update(UnitImport).where(*where).values(**values)).rowcount:
                log.warning("import %s: its process stopped running it; %s", job.id,
                            "failed" if values["status"] == "failed" else "queued again")

    def _give_back(self):
        """Stopping: this process's running jobs are queued again for another (or the next) one."""
        jobs, self.running = dict(self.running), {}
        for thread in jobs.values():
            thread.kill()
        if not jobs:
            return
        try:
            with closing(self.new_uow()) as uow:
                uow.session.execute(update(UnitImport).where(
                    UnitImport.id.in_(list(jobs)), UnitImport.status == "running").values(status="queued"))
                uow.commit()
        except Exception:  # noqa: BLE001 - the database away: they go stale and are queued again
            log.exception("import queue: could not give back jobs %s", sorted(jobs))
