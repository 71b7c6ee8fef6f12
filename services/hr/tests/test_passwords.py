"""Password hashes: salted scrypt, verified in constant time, never crashing on a bad hash."""
import pytest

from services.hr.passwords import N, hash_password, verify_password

pytestmark = pytest.mark.production_hash_cost


def test_hashes_are_salted():
    first, second = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    assert first != second
    assert first.startswith(f"scrypt${N}$8$1$") and "s3cret-pass" not in first


def test_verify_accepts_the_password_and_nothing_else():
    stored = hash_password("s3cret-pass")
    assert verify_password("s3cret-pass", stored)
    assert not verify_password("s3cret-pasS", stored)
    assert not verify_password("", stored)


def test_unicode_passwords_verify():
    stored = hash_password("密码很长很长的")
    assert verify_password("密码很长很长的", stored) and not verify_password("密码很长很长", stored)


@pytest.mark.parametrize("stored", [
    "",
    "plain-text-password",
    "md5$1$2$3$4$5",
    "scrypt$16384$8$1$c2FsdA==",                 # a part missing
    "scrypt$x$8$1$c2FsdA==$ZGlnZXN0",             # parameter not a number
    "scrypt$16384$8$1$c2FsdA$ZGlnZXN0",           # salt is not base64
    "scrypt$16384$8$1$c2FsdA==$",                 # empty digest
])
def test_garbage_stored_hash_does_not_verify(stored):
    assert verify_password("anything", stored) is False


def test_other_greenthreads_run_while_a_hash_is_computed():
    """Proved by order, not time: a greenthread that ticks on the hub makes progress after the
    hash started and before it returned (on the hub, the hash would run start to end first)."""
    import eventlet

    order, done = [], eventlet.event.Event()

    def hash_one():
        order.append("hash started")
        hash_password("s3cret-pass")
        order.append("hash returned")
        done.send()

    def tick():
        while not done.ready():
            order.append("tick")
            eventlet.sleep(0)

    hashing, ticking = eventlet.spawn(hash_one), eventlet.spawn(tick)
    hashing.wait(), ticking.wait()
    started, returned = order.index("hash started"), order.index("hash returned")
    assert "tick" in order[started + 1:returned]
