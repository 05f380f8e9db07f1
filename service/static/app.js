// cslint page: check a draft as the agent types, highlight findings in place, apply suggestions.
// Plain JavaScript, no build step and nothing fetched from outside: the service serves this file.
//
// Every suggestion is an EDIT from the server (replace [utf16_start, utf16_end) of the draft
// with `text`): a "fix" is one click and keeps the meaning; a "proposal" rewrites a clause, may
// change the meaning, shows its rewrite first and is applied only by its own button (never by
// 全部修正, which applies the server's `fixed`: the fixes only).
"use strict";

// The page's own strings in both scripts (the server's messages and suggestions already come in
// the draft's script). Elements in index.html name their string with data-t / data-t-placeholder.
const STRINGS = {
  simplified: {
    title: "cslint 回复检查",
    heading: "客服回复检查",
    lede: "粘贴或输入回复草稿，系统会在您输入时自动检查服务禁语、语气、术语、口头禅、尊称和文明用语。",
    channel: "渠道", chat: "聊天", email: "邮件",
    position: "位置", opening: "开场", middle: "中间", closing: "结束", single: "单条",
    pack: "规则包", allPacks: "全部已加载规则包",
    draft: "回复草稿", placeholder: "在此粘贴或输入回复草稿…",
    fixAll: "全部修正", copy: "复制", apiKey: "API 密钥", save: "保存",
    results: "检查结果",
    emptyPrompt: "粘贴或输入草稿后，这里会列出发现的问题和建议。",
    noProblems: "没有发现问题。",
    legendColours: "颜色说明", legendSeverity: "严重程度", legendSuggestions: "建议类型",
    checking: "检查中…",
    found: (n) => `发现 ${n} 个问题`,
    passed: "检查通过",
    copied: "已复制到剪贴板",
    unreachable: "无法连接检查服务，请检查网络或稍后重试。草稿仍保留在本页。",
    serverError: (status, detail) => `检查服务返回错误（${status}）${detail ? "：" + detail : ""}`,
    missing: "（缺少）",
    deleteVerb: "删除", insertVerb: "插入",
    fix: "修正",
    fixNote: "一键应用，意思不变",
    proposal: "改写建议（意思可能改变）",
    proposalShort: "改写建议",
    proposalNote: "先看改写后的整句，确认后再点“采用此改写”",
    applyProposal: "采用此改写",
    suggestion: "建议",
    replaceTitle: (s) => `替换为“${s}”`,
    severities: { error: "错误", warning: "警告", info: "提示" },
    categories: {
      forbidden: "服务禁语", tone: "语气", jargon: "术语",
      filler: "口头禅与方言", honorific: "尊称", courtesy: "文明用语",
    },
  },
  traditional: {
    title: "cslint 回覆檢查",
    heading: "客服回覆檢查",
    lede: "貼上或輸入回覆草稿，系統會在您輸入時自動檢查服務禁語、語氣、術語、口頭禪、尊稱和文明用語。",
    channel: "渠道", chat: "聊天", email: "郵件",
    position: "位置", opening: "開場", middle: "中間", closing: "結束", single: "單條",
    pack: "規則包", allPacks: "全部已載入規則包",
    draft: "回覆草稿", placeholder: "在此貼上或輸入回覆草稿…",
    fixAll: "全部修正", copy: "複製", apiKey: "API 金鑰", save: "儲存",
    results: "檢查結果",
    emptyPrompt: "貼上或輸入草稿後，這裡會列出發現的問題和建議。",
    noProblems: "沒有發現問題。",
    legendColours: "顏色說明", legendSeverity: "嚴重程度", legendSuggestions: "建議類型",
    checking: "檢查中…",
    found: (n) => `發現 ${n} 個問題`,
    passed: "檢查通過",
    copied: "已複製到剪貼簿",
    unreachable: "無法連線檢查服務，請檢查網路或稍後重試。草稿仍保留在本頁。",
    serverError: (status, detail) => `檢查服務回傳錯誤（${status}）${detail ? "：" + detail : ""}`,
    missing: "（缺少）",
    deleteVerb: "刪除", insertVerb: "插入",
    fix: "修正",
    fixNote: "一鍵套用，意思不變",
    proposal: "改寫建議（意思可能改變）",
    proposalShort: "改寫建議",
    proposalNote: "先看改寫後的整句，確認後再點“採用此改寫”",
    applyProposal: "採用此改寫",
    suggestion: "建議",
    replaceTitle: (s) => `替換為“${s}”`,
    severities: { error: "錯誤", warning: "警告", info: "提示" },
    categories: {
      forbidden: "服務禁語", tone: "語氣", jargon: "術語",
      filler: "口頭禪與方言", honorific: "尊稱", courtesy: "文明用語",
    },
  },
};
const LANG = { simplified: "zh-CN", "traditional-tw": "zh-TW", "traditional-hk": "zh-HK" };
const DEBOUNCE_MS = 300;

const $ = (id) => document.getElementById(id);
const draft = $("draft");
const highlights = $("highlights");
const findingsList = $("findings");
const countBadge = $("count");
const statusLine = $("status");
const errorBox = $("error");
const tooltip = $("tooltip");
const caretHint = $("caret-hint");
const fixAllButton = $("fix-all");

// Requests are numbered; an answer is shown only if no newer request was sent since
// (so a slow, stale answer never overwrites a newer one).
let latestRequest = 0;
let inFlight = null;        // AbortController of the request in flight
let debounceTimer = null;
let checked = null;         // {text, diagnostics, fixed} of the answer on screen
// The script of the page's own strings: the last answer's, until then the browser's language.
let script = /^zh-(tw|hk|mo|hant)/i.test(navigator.language || "") ? "traditional-tw" : "simplified";

function S() {
  return STRINGS[script.startsWith("traditional") ? "traditional" : "simplified"];
}

// ---------------------------------------------------------------------------------------------
// talking to the service

function apiHeaders() {
  const headers = { "content-type": "application/json" };
  const key = sessionStorage.getItem("cslint-api-key");
  if (key) headers["x-api-key"] = key;
  return headers;
}

async function loadPacks() {
  try {
    const response = await fetch("/v1/packs", { headers: apiHeaders() });
    if (response.status === 401) { $("key-row").hidden = false; return; }
    if (!response.ok) return;
    const packs = await response.json();
    if (packs.length > 1) {
      const select = $("pack");
      for (const pack of packs) {
        const option = document.createElement("option");
        option.value = pack.id;
        option.textContent = `${pack.name || pack.id}（${pack.id}）`;
        select.append(option);
      }
      $("pack-label").hidden = false;
    }
  } catch (error) {
    // the first check reports an unreachable service
  }
}

function scheduleCheck() {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(checkNow, DEBOUNCE_MS);
}

async function checkNow() {
  clearTimeout(debounceTimer);
  const text = draft.value;
  const request = ++latestRequest;
  if (inFlight) inFlight.abort();
  inFlight = null;
  if (!text.trim()) {
    showEmpty();
    return;
  }
  setState("checking");
  statusLine.textContent = S().checking;
  const controller = new AbortController();
  inFlight = controller;
  const body = { text, channel: $("channel").value, position: $("position").value };
  if ($("pack").value) body.pack = $("pack").value;
  let response;
  let answer = null;
  try {
    response = await fetch("/v1/check", {
      method: "POST", headers: apiHeaders(), body: JSON.stringify(body), signal: controller.signal,
    });
    answer = await response.json().catch(() => null);
  } catch (error) {
    if (error.name === "AbortError" || request !== latestRequest) return;
    showError(S().unreachable);
    return;
  }
  if (request !== latestRequest) return;  // a newer draft is being checked
  inFlight = null;
  if (!response.ok || !answer) {
    if (response.status === 401) $("key-row").hidden = false;
    showError(S().serverError(response.status, answer && answer.detail ? String(answer.detail) : ""));
    return;
  }
  checked = { text, diagnostics: answer.diagnostics, fixed: answer.fixed };
  errorBox.hidden = true;
  if (answer.script && answer.script !== script) setScript(answer.script);  // renders
  else render();
  setState("checked");
}

// The edits of a diagnostic; a server that predates edits gets one per suggestion over the
// diagnostic's own span (a safe rule's are fixes).
function editsOf(d) {
  if (Array.isArray(d.edits)) return d.edits;
  return d.suggestions.map((text) => ({
    utf16_start: d.utf16_start, utf16_end: d.utf16_end, text, kind: d.safe ? "fix" : "proposal",
  }));
}

// ---------------------------------------------------------------------------------------------
// the page's own strings

function setScript(newScript) {
  script = newScript;
  const strings = S();
  document.documentElement.lang = LANG[script] || "zh-CN";
  document.body.dataset.script = script.startsWith("traditional") ? "traditional" : "simplified";
  document.title = strings.title;
  for (const element of document.querySelectorAll("[data-t]")) {
    element.textContent = strings[element.dataset.t];
  }
  for (const element of document.querySelectorAll("[data-t-placeholder]")) {
    element.placeholder = strings[element.dataset.tPlaceholder];
  }
  buildLegends();
  if (checked) render();
}

// ---------------------------------------------------------------------------------------------
// showing an answer

function setState(state) {
  document.body.dataset.state = state;
}

function showEmpty() {
  checked = { text: draft.value, diagnostics: [], fixed: draft.value };
  errorBox.hidden = true;
  render();
  statusLine.textContent = "";
  $("empty-state").hidden = false;
  setState("empty");
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  statusLine.textContent = "";
  setState("error");
}

function render() {
  const strings = S();
  const diagnostics = checked.diagnostics;
  renderHighlights(checked.text, diagnostics);
  findingsList.replaceChildren(...diagnostics.map((d, index) => renderFinding(d, index, checked.text)));
  countBadge.textContent = String(diagnostics.length);
  countBadge.dataset.count = String(diagnostics.length);
  const emptyState = $("empty-state");
  emptyState.hidden = diagnostics.length > 0;
  emptyState.textContent = checked.text.trim() ? strings.noProblems : strings.emptyPrompt;
  fixAllButton.disabled = checked.fixed == null || checked.fixed === checked.text;
  statusLine.textContent = checked.text.trim()
    ? (diagnostics.length ? strings.found(diagnostics.length) : strings.passed) : "";
  updateCaretHint();
}

// The text behind the textarea, with one <mark> per finding (overlapping findings keep the first).
function renderHighlights(text, diagnostics) {
  const parts = [];
  let at = 0;
  const ordered = diagnostics.map((d, index) => ({ d, index }))
    .sort((a, b) => a.d.utf16_start - b.d.utf16_start || b.d.utf16_end - a.d.utf16_end);
  for (const { d, index } of ordered) {
    if (d.utf16_start < at) continue;
    parts.push(document.createTextNode(text.slice(at, d.utf16_start)));
    const mark = document.createElement("mark");
    mark.className = `finding cat-${d.category} sev-${d.severity}`
      + (d.utf16_start === d.utf16_end ? " insertion" : "");
    mark.dataset.index = String(index);
    mark.dataset.category = d.category;
    mark.dataset.severity = d.severity;
    mark.textContent = text.slice(d.utf16_start, d.utf16_end);
    parts.push(mark);
    at = d.utf16_end;
  }
  // a trailing line break needs a character after it to take up its line
  parts.push(document.createTextNode(text.slice(at) + "\u200b"));
  highlights.replaceChildren(...parts);
  syncScroll();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function severityLabel(severity) {
  const label = element("span", `severity sev-${severity}`, S().severities[severity] || severity);
  label.dataset.severity = severity;
  return label;
}

function categoryName(category) {
  return S().categories[category] || category;
}

// How an edit reads on its own: 删除“…”, 插入“…” or the new text.
function editLabel(edit, text) {
  const old = text.slice(edit.utf16_start, edit.utf16_end);
  if (edit.text === "" && old) return `${S().deleteVerb}“${old}”`;
  if (!old) return `${S().insertVerb}“${edit.text}”`;
  return edit.text;
}

// The clause an insertion lands in, as it would read afterwards: [before, after] around the new text.
const CLAUSE_END = /[，。！？；：,.!?;:\n]/;
function clauseAround(text, at) {
  let start = at;
  while (start > 0 && !CLAUSE_END.test(text[start - 1])) start -= 1;
  let end = at;
  while (end < text.length && !CLAUSE_END.test(text[end])) end += 1;
  return [text.slice(start, at), text.slice(at, end)];
}

// A proposal's preview: the clause before → the clause after, in full.
function renderPreview(edit, text) {
  const preview = element("p", "preview");
  const old = text.slice(edit.utf16_start, edit.utf16_end);
  if (edit.text === "" && old) {
    preview.append(`${S().deleteVerb}“`, element("del", null, old), "”");
  } else if (!old) {
    const [before, after] = clauseAround(text, edit.utf16_start);
    preview.append(`${S().insertVerb}“`, element("ins", null, edit.text), "”：",
                   element("span", "context", before), element("ins", null, edit.text),
                   element("span", "context", after));
  } else {
    preview.append(element("del", null, old), " → ", element("ins", null, edit.text));
  }
  return preview;
}

function renderFinding(d, index, text) {
  const strings = S();
  const item = element("li", `finding-item cat-${d.category} sev-${d.severity}`);
  item.dataset.index = String(index);
  item.dataset.category = d.category;
  item.dataset.severity = d.severity;
  item.dataset.rule = d.rule_id;

  const head = element("div", "head");
  head.append(severityLabel(d.severity),
              element("span", `badge cat-${d.category}`, categoryName(d.category)),
              element("span", "phrase", d.text ? `“${d.text}”` : strings.missing));
  item.append(head, element("p", "message", d.message));

  const edits = editsOf(d);
  const fixes = element("div", "suggestions");
  for (const edit of edits.filter((e) => e.kind !== "proposal")) {
    const button = element("button", "suggestion fix", editLabel(edit, text));
    button.type = "button";
    const old = text.slice(edit.utf16_start, edit.utf16_end);
    button.title = old && edit.text ? strings.replaceTitle(edit.text) : button.textContent;
    button.addEventListener("click", () => applyEdit(edit));
    fixes.append(button);
  }
  if (fixes.childElementCount) item.append(fixes);

  for (const edit of edits.filter((e) => e.kind === "proposal")) {
    const box = element("div", "proposal");
    const preview = renderPreview(edit, text);
    const button = element("button", "suggestion apply-proposal", strings.applyProposal);
    button.type = "button";
    button.setAttribute("aria-label", `${strings.applyProposal}：${preview.textContent}`);
    button.addEventListener("click", () => applyEdit(edit));
    box.append(element("div", "proposal-label", strings.proposal), preview, button);
    item.append(box);
  }

  for (const event of ["mouseenter", "focusin"]) item.addEventListener(event, () => setActive(index, true));
  for (const event of ["mouseleave", "focusout"]) item.addEventListener(event, () => setActive(index, false));
  return item;
}

function setActive(index, on) {
  for (const node of document.querySelectorAll(`[data-index="${index}"]`)) {
    node.classList.toggle("active", on);
  }
}

// ---------------------------------------------------------------------------------------------
// editing

function replaceDraft(newText, caret) {
  const scroll = draft.scrollTop;
  draft.value = newText;
  draft.focus();
  draft.setSelectionRange(caret, caret);
  draft.scrollTop = scroll;
  syncScroll();
  checkNow();
}

// Apply one edit of the answer on screen: replace its UTF-16 span with its text, caret after it.
function applyEdit(edit) {
  if (!checked || draft.value !== checked.text) return;  // the draft changed since: offsets are stale
  const text = draft.value;
  replaceDraft(text.slice(0, edit.utf16_start) + edit.text + text.slice(edit.utf16_end),
               edit.utf16_start + edit.text.length);
}

// The server's `fixed`: every fix applied (proposals never are).
function fixAll() {
  if (!checked || draft.value !== checked.text || checked.fixed == null) return;
  if (checked.fixed === checked.text) return;
  replaceDraft(checked.fixed, Math.min(draft.selectionStart, checked.fixed.length));
}

async function copyDraft() {
  const text = draft.value;
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    // no clipboard permission (e.g. plain http on another host): copy through a selection
    draft.focus();
    draft.select();
    document.execCommand("copy");
  }
  statusLine.textContent = S().copied;
}

// ---------------------------------------------------------------------------------------------
// reading a highlight: hover (the marks lie under the textarea) and the caret

function syncScroll() {
  highlights.scrollTop = draft.scrollTop;
  highlights.scrollLeft = draft.scrollLeft;
}

function findingAt(offset) {
  if (!checked || draft.value !== checked.text) return null;
  return checked.diagnostics.find((d) => d.utf16_start < d.utf16_end && d.utf16_start <= offset && offset < d.utf16_end)
    || null;
}

// Fill `target` with a finding's severity, category, message and first suggestion.
function describeInto(target, d) {
  const strings = S();
  const nodes = [severityLabel(d.severity), `【${categoryName(d.category)}】${d.message}`];
  const edit = editsOf(d)[0];
  if (edit) {
    const text = checked.text;
    const old = text.slice(edit.utf16_start, edit.utf16_end);
    let reads = editLabel(edit, text);
    if (edit.kind === "proposal" && old && edit.text) reads = `${old} → ${edit.text}`;
    nodes.push(`　${edit.kind === "proposal" ? strings.proposalShort : strings.suggestion}：${reads}`);
  }
  target.replaceChildren(...nodes);
}

function updateCaretHint() {
  const d = draft === document.activeElement ? findingAt(draft.selectionStart) : null;
  if (d) describeInto(caretHint, d); else caretHint.textContent = "";
}

function onPointerMove(event) {
  const mark = document.elementsFromPoint(event.clientX, event.clientY)
    .find((node) => node.matches && node.matches("mark.finding"));
  if (!mark || !checked || draft.value !== checked.text) {
    tooltip.hidden = true;
    return;
  }
  describeInto(tooltip, checked.diagnostics[Number(mark.dataset.index)]);
  tooltip.hidden = false;
  const x = Math.min(event.clientX + 12, window.innerWidth - tooltip.offsetWidth - 8);
  tooltip.style.left = `${Math.max(8, x)}px`;
  tooltip.style.top = `${event.clientY + 18}px`;
}

// ---------------------------------------------------------------------------------------------
// wiring

function buildLegends() {
  const strings = S();
  $("legend").replaceChildren(...Object.entries(strings.categories).map(([id, name]) => {
    const item = element("li");
    item.append(element("span", `swatch cat-${id}`), name);
    return item;
  }));
  $("severity-legend").replaceChildren(...["error", "warning", "info"].map((severity) => {
    const item = element("li");
    item.append(severityLabel(severity));
    return item;
  }));
  const fix = element("li");
  fix.append(element("span", "kind-sample fix", strings.fix), strings.fixNote);
  const proposal = element("li");
  proposal.append(element("span", "kind-sample proposal", strings.proposal), strings.proposalNote);
  $("kind-legend").replaceChildren(fix, proposal);
}

draft.addEventListener("input", () => {
  // the marks no longer line up with the text: show it plain until the new answer arrives
  renderHighlights(draft.value, []);
  setState("typing");
  scheduleCheck();
});
draft.addEventListener("scroll", syncScroll);
draft.addEventListener("mousemove", onPointerMove);
draft.addEventListener("mouseleave", () => { tooltip.hidden = true; });
for (const event of ["keyup", "click", "select", "focus"]) draft.addEventListener(event, updateCaretHint);
draft.addEventListener("blur", () => { caretHint.textContent = ""; });
new ResizeObserver(syncScroll).observe(draft);
for (const id of ["channel", "position", "pack"]) $(id).addEventListener("change", checkNow);
fixAllButton.addEventListener("click", fixAll);
$("copy").addEventListener("click", copyDraft);
$("key-row").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("cslint-api-key", $("api-key").value.trim());
  $("key-row").hidden = true;
  loadPacks().then(checkNow);
});

setScript(script);
loadPacks().then(() => {
  if (draft.value) checkNow(); else showEmpty();
});
