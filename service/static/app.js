// cslint page: check a draft as the agent types, highlight findings in place, apply suggestions.
// Plain JavaScript, no build step and nothing fetched from outside: the service serves this file.
"use strict";

const CATEGORIES = {
  forbidden: "服务禁语", tone: "语气", jargon: "术语",
  filler: "口头禅与方言", honorific: "尊称", courtesy: "文明用语",
};
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
  statusLine.textContent = "检查中…";
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
    showError("无法连接检查服务，请检查网络或稍后重试。草稿仍保留在本页。");
    return;
  }
  if (request !== latestRequest) return;  // a newer draft is being checked
  inFlight = null;
  if (!response.ok) {
    if (response.status === 401) $("key-row").hidden = false;
    const detail = answer && answer.detail ? `：${answer.detail}` : "";
    showError(`检查服务返回错误（${response.status}）${detail}`);
    return;
  }
  checked = { text, diagnostics: answer.diagnostics, fixed: answer.fixed };
  errorBox.hidden = true;
  render();
  setState("checked");
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
  const diagnostics = checked.diagnostics;
  renderHighlights(checked.text, diagnostics);
  findingsList.replaceChildren(...diagnostics.map(renderFinding));
  countBadge.textContent = String(diagnostics.length);
  countBadge.dataset.count = String(diagnostics.length);
  $("empty-state").hidden = diagnostics.length > 0 || !checked.text.trim();
  if (!diagnostics.length && checked.text.trim()) {
    $("empty-state").hidden = false;
    $("empty-state").textContent = "没有发现问题。";
  } else {
    $("empty-state").textContent = "粘贴或输入草稿后，这里会列出发现的问题和建议。";
  }
  fixAllButton.disabled = checked.fixed == null || checked.fixed === checked.text;
  statusLine.textContent = checked.text.trim() ? (diagnostics.length ? `发现 ${diagnostics.length} 个问题` : "检查通过") : "";
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
    mark.className = `finding cat-${d.category}` + (d.utf16_start === d.utf16_end ? " insertion" : "");
    mark.dataset.index = String(index);
    mark.dataset.category = d.category;
    mark.textContent = text.slice(d.utf16_start, d.utf16_end);
    parts.push(mark);
    at = d.utf16_end;
  }
  // a trailing line break needs a character after it to take up its line
  parts.push(document.createTextNode(text.slice(at) + "\u200b"));
  highlights.replaceChildren(...parts);
  syncScroll();
}

function renderFinding(d, index) {
  const item = document.createElement("li");
  item.className = `finding-item cat-${d.category}`;
  item.dataset.index = String(index);
  item.dataset.category = d.category;
  item.dataset.rule = d.rule_id;

  const head = document.createElement("div");
  head.className = "head";
  const badge = document.createElement("span");
  badge.className = `badge cat-${d.category}`;
  badge.textContent = CATEGORIES[d.category] || d.category;
  const phrase = document.createElement("span");
  phrase.className = "phrase";
  phrase.textContent = d.text ? `“${d.text}”` : "（缺少）";
  head.append(badge, phrase);

  const message = document.createElement("p");
  message.className = "message";
  message.textContent = d.message;

  const suggestions = document.createElement("div");
  suggestions.className = "suggestions";
  for (const suggestion of d.suggestions) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "suggestion";
    button.textContent = suggestion === "" ? "删除" : suggestion;
    button.title = d.utf16_start === d.utf16_end ? "插入此文字" : "替换为此文字";
    button.addEventListener("click", () => applySuggestion(d, suggestion));
    suggestions.append(button);
  }
  item.append(head, message, suggestions);
  for (const event of ["mouseenter", "focusin"]) item.addEventListener(event, () => setActive(index, true));
  for (const event of ["mouseleave", "focusout"]) item.addEventListener(event, () => setActive(index, false));
  return item;
}

function setActive(index, on) {
  for (const element of document.querySelectorAll(`[data-index="${index}"]`)) {
    element.classList.toggle("active", on);
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

function applySuggestion(d, suggestion) {
  if (!checked || draft.value !== checked.text) return;  // the draft changed since: offsets are stale
  const text = draft.value;
  replaceDraft(text.slice(0, d.utf16_start) + suggestion + text.slice(d.utf16_end),
               d.utf16_start + suggestion.length);
}

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
  statusLine.textContent = "已复制到剪贴板";
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

function describe(d) {
  const suggestion = d.suggestions.length ? `　建议：${d.suggestions[0] || "删除"}` : "";
  return `【${CATEGORIES[d.category] || d.category}】${d.message}${suggestion}`;
}

function updateCaretHint() {
  const d = draft === document.activeElement ? findingAt(draft.selectionStart) : null;
  caretHint.textContent = d ? describe(d) : "";
}

function onPointerMove(event) {
  const mark = document.elementsFromPoint(event.clientX, event.clientY)
    .find((element) => element.matches && element.matches("mark.finding"));
  if (!mark || !checked || draft.value !== checked.text) {
    tooltip.hidden = true;
    return;
  }
  tooltip.textContent = describe(checked.diagnostics[Number(mark.dataset.index)]);
  tooltip.hidden = false;
  const x = Math.min(event.clientX + 12, window.innerWidth - tooltip.offsetWidth - 8);
  tooltip.style.left = `${Math.max(8, x)}px`;
  tooltip.style.top = `${event.clientY + 18}px`;
}

// ---------------------------------------------------------------------------------------------
// wiring

function buildLegend() {
  const legend = $("legend");
  for (const [id, name] of Object.entries(CATEGORIES)) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch cat-${id}`;
    item.append(swatch, document.createTextNode(name));
    legend.append(item);
  }
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

buildLegend();
loadPacks().then(() => {
  if (draft.value) checkNow(); else showEmpty();
});
