"""The password policy (issue 30), without a broker."""
import pytest

from loupan.errors import RuleViolated
from services.hr.password_rules import check_password, common_passwords, weakness


@pytest.mark.parametrize("password", ["12345678", "password", "password123", "Password1234", "1234567890",
                                      "qwertyuiop", "woaini1314", "short-one", "alice_2026", "ALICE-1234!", "alice"])
def test_refused(password):
    with pytest.raises(RuleViolated) as err:
        check_password(password, "alice")
    assert err.value.code == "WEAK_PASSWORD"


@pytest.mark.parametrize("password", ["director-pass-1", "correct horse battery", "staff-pass-123", "loupan-demo",
                                      "grant-pass-123", "alice likes tea", "bench-password"])
def test_accepted(password):
    assert weakness(password, "alice") is None


def test_the_list_is_read_once_and_holds_the_common_ones():
    listed = common_passwords()
    assert len(listed) >= 1000 and {"123456", "password", "qwerty123", "iloveyou"} <= listed
