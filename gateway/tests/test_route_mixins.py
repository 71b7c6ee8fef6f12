"""The gateway is one nameko service made of route mixins (gateway/service.py): they share
one namespace, so a helper of one mixin named like another's method silently replaces it
(Python's MRO picks one; the other's routes then call the wrong code, seen as a 500 in a flow
test once). No name may be defined by two of them."""
from collections import defaultdict

from gateway.service import GatewayService


def test_no_two_parts_of_the_gateway_define_the_same_name():
    owners = defaultdict(list)
    for part in GatewayService.__mro__:
        if part is object:
            continue
        for name in vars(part):
            if not (name.startswith("__") and name.endswith("__")):
                owners[name].append(part.__name__)
    assert {name: parts for name, parts in owners.items() if len(parts) > 1} == {}
