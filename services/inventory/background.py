"""Long jobs of the inventory service (a spreadsheet import) run after their RPC answered."""
from functools import partial

from nameko.extensions import DependencyProvider

from loupan.commands import settle_worker


class Background(DependencyProvider):
    """`self.background(identifier, fn, *args)`: run `fn(*args)` in a greenlet the container
    manages. Unlike a bare eventlet.spawn from the worker, the container names it in its logs
    and kills it when it stops, so no job keeps writing through a disposed engine. `fn` must
    not raise: nameko stops a container whose managed thread raised."""

    def get_dependency(self, worker_ctx):
        def spawn(identifier, fn, *args):
            settle_worker(self.container, worker_ctx)  # the job reads what the command committed
            return self.spawn(identifier, fn, *args)

        return spawn

    def spawn(self, identifier, fn, *args):
        return self.container.spawn_managed_thread(partial(fn, *args), identifier=identifier)
