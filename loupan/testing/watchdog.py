"""A stalled test session ends with the stacks of every green thread instead of hanging.

Twice in about ten runs of the service tests (1,100 tests each) a session stopped with every
green thread waiting and nothing due for an hour (in inventory's test_bad_phone_is_invalid,
and in hr's test_probation_ends_at_the_end_of_a_shorter_month; the cause is not found). A
hang costs CI its whole 90 minutes and says nothing; a green thread's stack is invisible to
py-spy and to faulthandler, which see only the hub. So an OS thread of its own watches the
session: if no test starts or ends for LOUPAN_TEST_STALL_SECONDS (default 600; the longest
test takes ~80 s), it prints every green thread's and OS thread's stack and exits the
process with status 3."""
import gc
import os
import sys
import time
import traceback

from eventlet import patcher

STALL_SECONDS = float(os.environ.get("LOUPAN_TEST_STALL_SECONDS", "600"))
_progress = [time.monotonic()]


def pytest_configure(config):
    if STALL_SECONDS > 0:
        threading = patcher.original("threading")  # a real thread: it runs while the hub waits
        capture = config.pluginmanager.getplugin("capturemanager")
        threading.Thread(target=_watch, args=(capture,), name="test-watchdog", daemon=True).start()


def pytest_runtest_logstart(nodeid, location):
    _progress[0] = time.monotonic()


def pytest_runtest_logfinish(nodeid, location):
    _progress[0] = time.monotonic()


def _watch(capture):
    real_time = patcher.original("time")
    while True:
        real_time.sleep(min(30.0, STALL_SECONDS))
        if time.monotonic() - _progress[0] > STALL_SECONDS:
            _dump_and_exit(capture)


def _dump_and_exit(capture):
    import greenlet

    if capture is not None:
        capture.suspend_global_capture()  # the stacks go to the terminal, not a capture buffer
    out = sys.stderr
    out.write(f"\n\n=== the session made no progress for {STALL_SECONDS:.0f} s: every stack, then exit 3 ===\n")
    for thread_id, frame in sys._current_frames().items():
        out.write(f"\n--- OS thread {thread_id}\n{''.join(traceback.format_stack(frame))}")
    for item in gc.get_objects():
        if isinstance(item, greenlet.greenlet) and item.gr_frame is not None:
            out.write(f"\n--- green thread {item!r}\n{''.join(traceback.format_stack(item.gr_frame))}")
    out.flush()
    os._exit(3)
