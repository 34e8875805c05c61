"""An employee's three forms share one context: made once, kept for the others, then let go."""

from __future__ import annotations

from pipeline.store.batch import SharedContext


class Maker:
    """A context maker that counts how often it was asked."""

    def __init__(self, name: str):
        self.name, self.made = name, 0

    def __call__(self) -> dict:
        self.made += 1
        return {"name": self.name, "made": self.made}


def test_a_context_is_made_once_for_its_uses_and_let_go_after_the_last():
    maker = Maker("kari")
    shared = SharedContext(maker, uses=3)
    first, second, third = shared(), shared(), shared()
    assert first is second is third and maker.made == 1
    assert shared._value is None and SharedContext._held is None  # let go after the third
    assert shared() == {"name": "kari", "made": 2}  # rendered again (a retry): made again


def test_a_process_keeps_one_context_at_a_time():
    kari, ola = Maker("kari"), Maker("ola")
    first, second = SharedContext(kari, uses=3), SharedContext(ola, uses=3)
    assert first()["name"] == "kari"  # one of kari's forms rendered, the others unchanged: never asked
    assert second()["name"] == "ola"
    assert first._value is None and SharedContext._held is second  # kari's was let go
    assert second()["made"] == 1 and ola.made == 1
    assert first()["made"] == 2  # asked again after all: made again, and ola's let go
    assert second._value is None
    SharedContext._held = None
