"""A refusal that answers the customer's question about what exists declines nothing
(unless_answering), in a conversation; a refusal of a request still needs an apology."""
from __future__ import annotations

from cslint.conversation import check_conversation


def apology_findings(checker, customer: str, agent: str) -> list[str]:
    checked = check_conversation(checker, [("customer", customer), ("agent", agent)])
    return [d.rule_id for _, _, _, result in checked for d in result.diagnostics
            if d.rule_id == "refusal-without-apology"]


def test_answering_an_information_question_is_not_a_refusal(checker):
    assert apology_findings(checker, "有没有英文版的说明书？", "您好，暂时没有英文版哦，感谢您的咨询") == []
    assert apology_findings(checker, "这款支持快充吗", "您好，这款不支持快充，感谢您的咨询") == []


def test_declining_a_request_still_needs_an_apology(checker):
    assert apology_findings(checker, "帮我把地址改到北京", "您好，地址不能修改了，感谢您的咨询") == [
        "refusal-without-apology"]
    # 么 in 怎么 is not a question about what exists
    assert apology_findings(checker, "技术支持 那怎么导入呢", "您好，暂时不支持导入，感谢您的咨询") == [
        "refusal-without-apology"]
