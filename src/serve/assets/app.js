// The search page (and, in research.js, its trend and concordance views). Its state lives in the URL (/?q=志愿者&from=2020-01-01&page=2), so every
// search can be bookmarked; each change navigates to a new URL. Archive text is only ever put
// in the page as text nodes (never as HTML), so a passage holding <script> shows as text.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 10000;
// view: "" (search), "trend" or "kwic"; scale: "raw" counts or "rate" per 10,000; by: year or
// month (trend); order: the concordance's order.
const FORM_KEYS = ["q", "from", "to", "source", "sort"];
const KEYS = [...FORM_KEYS, "view", "scale", "by", "order"];

function readState() {
  const params = new URLSearchParams(location.search);
  const state = {};
  for (const key of KEYS) state[key] = (params.get(key) || "").trim();
  // Terms searched within the results (二次检索): each an AND with the query, in order.
  state.within = params.getAll("w").map((w) => w.trim()).filter((w) => w);
  state.page = Math.max(1, parseInt(params.get("page"), 10) || 1);
  return state;
}

function urlFor(state) {
  const params = new URLSearchParams();
  for (const key of KEYS) if (state[key]) params.set(key, state[key]);
  for (const term of state.within || []) params.append("w", term);
  if (state.page > 1) params.set("page", String(state.page));
  return "/?" + params.toString();
}

// The query the API is sent: the typed one, the terms searched within the results (each
// grouped, so that an OR inside one stays inside it) and the source filter, which is the
// query's own source: restriction, kept apart in the URL.
function fullQuery(state) {
  let query = state.q;
  for (const term of state.within || []) query += " (" + term + ")";
  if (state.source) query += ' source:"' + state.source.replaceAll('"', "") + '"';
  return query;
}

// An element with attributes and children; strings become text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// The text with its highlight spans (character offsets, as the API gives) in <mark>.
function marked(text, spans) {
  const chars = Array.from(text);
  const out = document.createDocumentFragment();
  let last = 0;
  for (const [start, end] of spans) {
    out.append(chars.slice(last, start).join(""));
    out.append(el("mark", {}, chars.slice(start, end).join("")));
    last = end;
  }
  out.append(chars.slice(last).join(""));
  return out;
}

// Only web links are followed: a javascript: URL in the archive must not become a link.
function safeUrl(url) {
  return /^https?:\/\//i.test(url) ? url : null;
}

// A page as stated (`第3版`, `A3版`), or a bare number as 第N版.
function pageLabel(page) {
  return /^[0-9]+$/.test(page) ? "第" + page + "版" : page;
}

function hitItem(hit) {
  const article = hit.article;
  const passage = hit.passage;
  const url = safeUrl(article.url);
  const title = article.title || article.path || article.id;
  const heading = el("h2", {}, url ? el("a", { href: url, rel: "noreferrer" }, title) : title);
  const meta = el("p", { class: "meta" });
  if (article.source) meta.append(el("span", { class: "source" }, article.source));
  if (article.date) meta.append(el("time", { datetime: article.date }, article.date));
  if (article.page) meta.append(el("span", { class: "page" }, pageLabel(article.page)));
  if (article.author) meta.append(el("span", { class: "author" }, article.author));
  if (passage.section) meta.append(el("span", { class: "section" }, passage.section));
  const part = passage.part ? "（之 " + passage.part + "）" : "";
  meta.append(el("span", { class: "para" }, "第 " + passage.para + " 段" + part));
  const text = el("p", { class: "text" }, marked(passage.text, hit.highlights));
  const id = passageId(article.id, passage.para, passage.part);
  const cite = el("button", { type: "button", class: "cite", "data-id": article.id }, "引用");
  cite.addEventListener("click", () => citeArticle(cite, article.id));
  meta.append(cite);
  return el("li", { class: "hit", value: String(hit.rank), id }, heading, meta, text);
}

// The GB/T 7714 reference of an article, shown under its hit and copied when the browser
// lets the page write to the clipboard.
async function citeArticle(button, id) {
  const citation = await getJson("/api/cite?" + new URLSearchParams({ id }).toString());
  const hit = button.closest(".hit");
  let shown = hit.querySelector(".reference");
  if (!shown) {
    shown = el("p", { class: "reference" });
    hit.append(shown);
  }
  shown.replaceChildren(citation.gbt7714);
  try {
    await navigator.clipboard.writeText(citation.gbt7714);
    button.textContent = "已复制引用";
  } catch (_) {
    button.textContent = "引用（请手动复制）";
  }
}

// Above the results: export links for the whole search, the terms searched within the
// results (each removable), and a box to add one.
function drawTools(state, query, total) {
  const tools = document.getElementById("tools");
  tools.replaceChildren();
  if (!total && !state.within.length) return;
  const exports = el("span", { class: "exports" }, "导出：");
  for (const [format, label] of [["csv", "CSV"], ["ris", "RIS"], ["bibtex", "BibTeX"], ["cite", "引用格式"]]) {
    const params = new URLSearchParams({ q: query, format });
    for (const key of ["from", "to", "sort"]) if (state[key]) params.set(key, state[key]);
    exports.append(el("a", { href: "/api/export?" + params.toString(), download: "", class: "export-" + format }, label));
  }
  const within = el("span", { class: "within" });
  state.within.forEach((term, i) => {
    const rest = state.within.filter((_, j) => j !== i);
    within.append(el("span", { class: "chip" }, "并含 " + term + " ",
      el("a", { href: urlFor({ ...state, within: rest, page: 1 }), title: "去掉", class: "remove" }, "×")));
  });
  const form = el("form", { class: "within-form" });
  const box = el("input", { type: "search", name: "w", placeholder: "在结果中检索", maxlength: "100" });
  form.append(box, el("button", { type: "submit" }, "在结果中检索"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const term = box.value.trim();
    if (term) location.assign(urlFor({ ...state, within: [...state.within, term], page: 1 }));
  });
  tools.append(exports, within, form);
  tools.hidden = false;
}

// The element id of a passage on the search page, which the concordance links to.
function passageId(article, para, part) {
  return "p-" + article + "-" + para + (part ? "-" + part : "");
}

// rates: year → matches per 10,000 passages of the year, to draw instead of the counts.
function drawTimeline(state, years, rates) {
  const section = document.getElementById("timeline");
  const dated = years.filter((y) => y.key !== "");
  const undated = years.find((y) => y.key === "");
  section.replaceChildren();
  if (dated.length === 0) return;
  const counts = new Map(dated.map((y) => [Number(y.key), y.count]));
  const first = Math.min(...counts.keys());
  const last = Math.max(...counts.keys());
  const most = Math.max(...counts.values());
  const chart = el("div", { class: "chart" });
  for (let year = first; year <= last; year++) {
    const count = counts.get(year) || 0;
    const bar = el("span", { class: "fill" });
    const rate = rates ? rates.get(year) || 0 : null;
    const share = rates ? rate / Math.max(...rates.values(), 1e-9) : count / most;
    bar.style.height = (count ? Math.max(2, 100 * share) : 0) + "%";
    const chosen = state.from === year + "-01-01" && state.to === year + "-12-31";
    const link = el(
      "a",
      {
        class: "year" + (chosen ? " chosen" : "") + (count ? "" : " empty"),
        href: urlFor({ ...state, from: year + "-01-01", to: year + "-12-31", page: 1 }),
        title: year + " 年：" + count + " 段" + (rates ? "，每万段 " + rate.toFixed(2) : ""),
        "data-year": String(year),
        "data-count": String(count),
      },
      el("span", { class: "count" }, count ? (rates ? rate.toFixed(1) : String(count)) : ""),
      el("span", { class: "column" }, bar),
      el("span", { class: "label" }, String(year)),
    );
    chart.append(link);
  }
  const what = rates ? "各年每万段中的匹配段落数" : "各年匹配段落数";
  const caption = el("p", { class: "caption" }, what + "（点击年份只看该年）　");
  const other = rates ? "" : "rate";
  caption.append(
    el("a", { class: "scale", href: urlFor({ ...state, scale: other }) }, rates ? "看段数" : "按比例"),
  );
  if (undated) caption.append("；无日期 " + undated.count + " 段");
  if (state.from || state.to) {
    caption.append("　");
    caption.append(el("a", { href: urlFor({ ...state, from: "", to: "", page: 1 }) }, "清除日期"));
  }
  section.append(chart, caption);
  section.hidden = false;
}

function fillSources(state, sources) {
  const select = document.getElementById("source");
  const known = new Set();
  for (const facet of sources) {
    if (!facet.key) continue;
    known.add(facet.key);
    select.append(el("option", { value: facet.key }, facet.key + "（" + facet.count + "）"));
  }
  if (state.source && !known.has(state.source)) {
    select.append(el("option", { value: state.source }, state.source));
  }
  select.value = state.source;
}

function drawPages(state, total) {
  const nav = document.getElementById("pages");
  nav.replaceChildren();
  const pages = Math.ceil(Math.min(total, MAX_OFFSET + PAGE_SIZE) / PAGE_SIZE);
  if (pages <= 1) return;
  const link = (page, text, cls) =>
    page === state.page
      ? el("span", { class: "current", "aria-current": "page" }, text)
      : el("a", { href: urlFor({ ...state, page }), class: cls || "" }, text);
  if (state.page > 1) nav.append(link(state.page - 1, "‹ 上一页", "prev"));
  const from = Math.max(1, state.page - 4);
  const to = Math.min(pages, from + 8);
  for (let page = from; page <= to; page++) nav.append(link(page, String(page)));
  if (state.page < pages) nav.append(link(state.page + 1, "下一页 ›", "next"));
}

function showError(message) {
  document.getElementById("status").replaceChildren(el("span", { class: "error" }, message));
}

async function getJson(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function showStats() {
  const stats = await getJson("/api/stats");
  const span = stats.date_from ? "，" + stats.date_from + " 至 " + stats.date_to : "";
  document
    .getElementById("status")
    .replaceChildren(
      "档案共 " + stats.articles + " 篇文章、" + stats.passages + " 段" + span + "。",
    );
}

async function search(state) {
  const query = fullQuery(state);
  const params = new URLSearchParams({ q: query, limit: String(PAGE_SIZE) });
  params.set("offset", String(Math.min((state.page - 1) * PAGE_SIZE, MAX_OFFSET)));
  for (const key of ["from", "to", "sort"]) if (state[key]) params.set(key, state[key]);
  const answer = await getJson("/api/search?" + params.toString());
  const summary = answer.summary;
  const results = document.getElementById("results");
  results.replaceChildren(...answer.hits.map(hitItem));
  const status = document.getElementById("status");
  if (summary.total === 0) {
    status.replaceChildren("没有匹配的段落。");
  } else {
    const first = answer.hits.length ? answer.hits[0].rank : 0;
    const last = first + answer.hits.length - 1;
    status.replaceChildren(
      "共 " + summary.total + " 段匹配，显示第 " + first + "–" + last + " 段（" +
        summary.elapsed_ms.toFixed(1) + " 毫秒）",
    );
  }
  const rates = state.scale === "rate" && summary.total ? await yearRates(query) : null;
  drawTimeline(state, answer.facets.years, rates);
  fillSources(state, answer.facets.sources);
  drawPages(state, summary.total);
  drawTools(state, query, summary.total);
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) {
    target.classList.add("target");
    target.scrollIntoView();
  }
}

// The query's matches per 10,000 passages of each year (the trend API, not the facets).
async function yearRates(query) {
  const trend = await getJson("/api/trend?" + new URLSearchParams({ q: query }).toString());
  return new Map(trend.periods.map((period, i) => [Number(period), trend.series[0].rates[i] || 0]));
}

function start() {
  const state = readState();
  for (const key of ["q", "from", "to", "sort"]) document.getElementById(key).value = state[key];
  document.title = state.q ? state.q + " · 工会" : "工会 · 新闻档案检索";
  const form = document.getElementById("search");
  const go = () => {
    // The form's fields, and the view and its settings as they are.
    const next = { ...state, page: 1 };
    for (const key of FORM_KEYS) next[key] = document.getElementById(key).value.trim();
    // A new query starts afresh; the terms searched within the old one's results go.
    if (next.q !== state.q) next.within = [];
    location.assign(urlFor(next));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go();
  });
  for (const key of ["from", "to", "source", "sort"]) {
    document.getElementById(key).addEventListener("change", () => {
      if (document.getElementById("q").value.trim()) go();
    });
  }
  for (const link of document.querySelectorAll("#views a")) {
    const view = link.dataset.view;
    link.href = urlFor({ q: state.q, from: state.from, to: state.to, view });
    if (view === state.view) link.classList.add("chosen");
  }
  const shows = { trend: showTrend, kwic: showKwic };
  const show = shows[state.view] || search;
  const work = state.q ? show(state) : showStats();
  work.catch((error) => showError(error.message));
}

// After research.js, which defines the trend and concordance views.
document.addEventListener("DOMContentLoaded", start);
