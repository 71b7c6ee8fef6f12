"""Make the process cooperative under eventlet: sockets, threads and psycopg2."""


def patch():
    """Call first thing in a service process or test session, before anything else imports
    socket or threading. psycopg2 is C code: psycogreen makes its waits yield to the hub."""
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
