"""The service's engines: one checker per pack plus the combined one, sharing one jieba dictionary."""
from __future__ import annotations

from cslint.service.app import Engines, Settings


def test_per_pack_checkers_share_the_combined_segmenter():
    engines = Engines(Settings(packs=["default", "telecom"]))
    checkers = [checker for checker, _ in engines.by_id.values()]
    assert len(checkers) == 2 and all(c.segmenter is engines.combined.segmenter for c in checkers)
    # the telecom checker still finds its own jargon on word boundaries, the default one does not know it
    telecom, _ = engines.pick("telecom")
    default, _ = engines.pick("default")
    text = "您可以办理携号转网，这个我不知道"
    assert {d.rule_id for d in telecom.check(text).diagnostics} >= {"jargon-telecom", "declares-ignorance"}
    assert "jargon-telecom" not in {d.rule_id for d in default.check(text).diagnostics}
