"""LanguageTool API compatibility: raw form posts, and the unmodified PyPI clients."""
from __future__ import annotations

import json

import language_tool_python
import pylanguagetool.api
import pytest

TEXT = "😅您好，这个我不知道"


def test_languages(client):
    codes = {l["longCode"] for l in client.get("/v2/languages").json()}
    assert {"zh-CN", "zh-TW", "zh-HK"} <= codes


def test_check_form_encoded_with_utf16_offsets(client):
    body = client.post("/v2/check", data={"text": TEXT, "language": "zh-CN"}).json()
    assert body["software"]["name"] == "cslint" and body["language"]["code"] == "zh-CN"
    (match,) = [m for m in body["matches"] if m["rule"]["id"] == "declares-ignorance"]
    utf16 = TEXT.encode("utf-16-le")
    # the proposal rewrites the clause, so the match spans it
    assert utf16[2 * match["offset"]:2 * (match["offset"] + match["length"])].decode("utf-16-le") == "这个我不知道"
    assert match["rule"]["category"] == {"id": "forbidden", "name": "服务禁语"}
    ctx = match["context"]
    assert ctx["text"].encode("utf-16-le")[2 * ctx["offset"]:2 * (ctx["offset"] + ctx["length"])].decode("utf-16-le") == "这个我不知道"
    assert match["replacements"][0]["value"] and match["sentence"]


def test_query_string_and_rule_selection(client):
    only = client.get("/v2/check", params={"text": "你好，我不知道", "language": "auto",
                                           "enabledRules": "ni-instead-of-nin", "enabledOnly": "true"}).json()
    assert {m["rule"]["id"] for m in only["matches"]} == {"ni-instead-of-nin"}
    no_forbidden = client.post("/v2/check", data={"text": "你好，我不知道", "language": "zh-CN",
                                                  "disabledCategories": "forbidden"}).json()
    assert "declares-ignorance" not in {m["rule"]["id"] for m in no_forbidden["matches"]}


def test_data_markup_keeps_document_offsets(client):
    data = {"annotation": [{"markup": "<p>"}, {"text": "这个我不知道"}, {"markup": "</p>"}]}
    body = client.post("/v2/check", data={"data": json.dumps(data), "language": "zh-CN"}).json()
    (match,) = [m for m in body["matches"] if m["rule"]["id"] == "declares-ignorance"]
    document = "<p>这个我不知道</p>"
    assert document[match["offset"]:match["offset"] + match["length"]] == "这个我不知道"


@pytest.mark.parametrize("data,reason", [
    ({"language": "zh-CN"}, "Missing 'text' or 'data'"),
    ({"text": "好", "data": "{}", "language": "zh-CN"}, "not both"),
    ({"text": "好", "enabledOnly": "true", "language": "zh-CN"}, "enabledOnly"),
    ({"data": "not json", "language": "zh-CN"}, "Invalid 'data'"),
    ({"data": '{"annotation": [{"text": "\\ud800不知道"}]}', "language": "zh-CN"}, "lone UTF-16 surrogate"),
])
def test_lt_400_reasons(client, data, reason):
    response = client.post("/v2/check", data=data)
    assert response.status_code == 400 and reason in response.json()["detail"]


@pytest.mark.parametrize("request_kwargs", [
    {"content": b"language=zh-CN&text=%ED%A0%80%E4%B8%8D%E7%9F%A5%E9%81%93",
     "headers": {"content-type": "application/x-www-form-urlencoded"}},
    {"url": "/v2/check?language=zh-CN&text=%FF%E4%B8%8D%E7%9F%A5%E9%81%93"},
])
def test_lt_invalid_utf8_is_a_400(client, request_kwargs):
    response = client.post(**{"url": "/v2/check", **request_kwargs})
    assert response.status_code == 400 and "UTF-8" in response.json()["detail"]


def test_language_tool_python_client(server):
    tool = language_tool_python.LanguageTool("zh-CN", remote_server=server.url)
    try:
        matches = tool.check("你好，這個我不知道")
        assert {"ni-instead-of-nin", "declares-ignorance"} <= {m.rule_id for m in matches}
        (ignorance,) = [m for m in matches if m.rule_id == "declares-ignorance"]
        # a proposal that rewrites the clause spans the clause, so correct() applies it cleanly
        assert (ignorance.offset, ignorance.error_length) == (3, 6)
        assert tool.correct("你好，订单已发货") == "您好，订单已发货"
        text = "👍🏽這個我不知道"
        emoji = [m for m in tool.check(text) if m.rule_id == "declares-ignorance"]
        # we send UTF-16 offsets (the emoji are 4 units); the client turns them into code points
        assert emoji and text[emoji[0].offset:emoji[0].offset + emoji[0].error_length] == "這個我不知道"
    finally:
        tool.close()


def test_pylanguagetool_client(server):
    result = pylanguagetool.api.check("這不歸我管，你找別人吧", api_url=server.url + "/v2/", lang="zh-CN")
    rules = {m["rule"]["id"] for m in result["matches"]}
    assert {"refuses-ownership", "ni-instead-of-nin"} <= rules
    (own,) = [m for m in result["matches"] if m["rule"]["id"] == "refuses-ownership" and m["offset"] == 0]
    assert own["replacements"][0]["value"].startswith("這個問題我幫您")


@pytest.mark.parametrize("draft, corrected", [
    # the issue's garbled cases: advice was sent as a replacement of the phrase alone
    ("你好，这个我不知道", "您好，我帮您查询确认一下，稍后给您答复"),
    ("您好，这个我不知道，您自己去查吧", "您好，我帮您查询确认一下，稍后给您答复，我来帮您查一下"),
    # 喂 before a greeting is deleted, not turned into a second 您好
    ("喂，你好，订单已发货", "您好，订单已发货"),
    # an insertion and a fix at the same point are one match
    ("你这个不能退", "很抱歉，您这个不能退"),
    ("這不歸我管，你找別人吧", "這個問題我幫您轉給負責的同事處理，並跟進結果"),
])
def test_language_tool_python_correct_gives_a_sendable_reply(server, draft, corrected):
    tool = language_tool_python.LanguageTool("zh-CN", remote_server=server.url)
    try:
        assert tool.correct(draft) == corrected
    finally:
        tool.close()


def test_issue_type_follows_category_and_severity(client):
    body = client.post("/v2/check", data={"text": "你好，这个我不知道，工单已提交", "language": "zh-CN"}).json()
    types = {m["rule"]["id"]: m["rule"]["issueType"] for m in body["matches"]}
    assert types["declares-ignorance"] == "grammar"  # an error (服务禁语)
    assert types["jargon-ticket"] == "terminology"
    assert types["ni-instead-of-nin"] == "style"
