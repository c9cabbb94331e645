"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a persistent connection before its first use in each
request by running `SELECT 1`: a round trip to the server, and work for both processes, on
every request (a fifth of a sealed bid's time in the closing-hour burst, docs/benchmarks.md,
issue 7). Here the check asks the operating system first. A connection that sits idle between
requests has nothing to read unless the server has said something since: the termination
notice it sends when it shuts down or restarts, or when an operator ends the session
(`pg_terminate_backend`), or the end of the stream when its process died. So:

- nothing to read, connection idle and not closed: usable, no query sent;
- anything else (something to read, a hang-up, a transaction left open, a socket that cannot
  be polled): Django's own check (`SELECT 1`) decides, as before.

What neither check catches is a server that vanished without a word (a cut cable): then the
first query fails, Django marks the error and closes the connection at the end of that request,
as it does with `SELECT 1` (which would have waited for the same network timeout).
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            not self.pool
            and self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._idle_and_quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _idle_and_quiet(self) -> bool:
        """True when the connection is open, idle, and the server has sent nothing since."""
        connection = self.connection
        try:
            if connection.closed or connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
                return False
            poller = select.poll()
            poller.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # let SELECT 1 decide
            return False
