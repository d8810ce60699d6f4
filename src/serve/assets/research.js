// The research views of the search page: 趋势 (a term's share of the archive per year or month,
// several terms on one chart, with the words found beside them) and 语境 (a keyword-in-context
// concordance). Uses app.js's el, urlFor, getJson, safeUrl and passageId; state in the URL.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#b3261e", "#1a4f8b", "#2e7d32", "#8e44ad", "#d35400", "#00838f", "#6d4c41", "#c2185b"];
const CHART = { width: 840, height: 320, left: 58, right: 16, top: 18, bottom: 44 };
const KWIC_PAGE = 50;

// The terms of the trend view: the query box holds them separated by commas (，or ,).
function trendTerms(q) {
  return q.split(/[,，]/).map((t) => t.trim()).filter((t) => t).slice(0, 8);
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

// The days a period covers, for the search that a click on its point opens.
function periodDays(period) {
  if (period.length === 4) return [period + "-01-01", period + "-12-31"];
  const [year, month] = period.split("-").map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return [period + "-01", period + "-" + String(last).padStart(2, "0")];
}

// A round step for about `ticks` ticks up to `most`.
function step(most, ticks) {
  const rough = most / ticks;
  const power = Math.pow(10, Math.floor(Math.log10(rough)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
}

// The chart: one line per term, a point per period with its values on hover; styles are
// attributes, so the SVG downloaded stands alone.
function trendChart(state, trend, raw) {
  const { width, height, left, right, top, bottom } = CHART;
  const value = (series, i) => (raw ? series.counts[i] : series.rates[i] || 0);
  const n = trend.periods.length;
  let most = 0;
  for (const series of trend.series) for (let i = 0; i < n; i++) most = Math.max(most, value(series, i));
  const unit = most > 0 ? step(most, 5) : 1;
  const top_value = Math.max(unit, Math.ceil(most / unit) * unit);
  const x = (i) => left + (n <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (n - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / top_value);
  const chart = svg("svg", {
    xmlns: SVG,
    viewBox: "0 0 " + width + " " + height,
    width,
    height,
    "font-family": "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif",
    "font-size": 11,
    role: "img",
    "aria-label": "趋势图",
  });
  chart.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  for (let v = 0; v <= top_value + 1e-9; v += unit) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: "#e3e5e8" }));
    const label = raw ? String(Math.round(v)) : v.toFixed(unit < 1 ? 1 : 0);
    chart.append(svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", fill: "#5f6670" }, label));
  }
  const every = Math.max(1, Math.ceil(n / 16));
  trend.periods.forEach((period, i) => {
    if (i % every !== 0) return;
    chart.append(svg("text", { x: x(i), y: height - bottom + 16, "text-anchor": "middle", fill: "#5f6670" }, period));
  });
  const axis = raw ? "匹配段落数" : "每万段中的匹配段落数";
  chart.append(svg("text", { x: left, y: 11, fill: "#5f6670" }, trend.per === "articles" ? axis.replace("段落", "文章").replace("万段", "万篇") : axis));
  trend.series.forEach((series, s) => {
    const colour = COLOURS[s % COLOURS.length];
    const points = trend.periods.map((_, i) => x(i).toFixed(1) + "," + y(value(series, i)).toFixed(1));
    chart.append(svg("polyline", { class: "line", "data-term": series.query, points: points.join(" "), fill: "none", stroke: colour, "stroke-width": 2 }));
    trend.periods.forEach((period, i) => {
      const [from, to] = periodDays(period);
      const href = urlFor({ q: series.query, from, to, page: 1 });
      const rate = series.rates[i];
      const tip = period + " " + series.query + "：" + series.counts[i] + " / " + trend.totals[i] +
        (rate === null ? "" : "，每万 " + rate.toFixed(2));
      const dot = svg("circle", { class: "point", cx: x(i), cy: y(value(series, i)), r: 3.5, fill: colour, "data-period": period, "data-count": series.counts[i] });
      dot.append(svg("title", {}, tip));
      const link = svg("a", { href });
      link.append(dot);
      chart.append(link);
    });
    chart.append(svg("rect", { x: left + 8 + s * 130, y: height - 14, width: 14, height: 4, fill: colour }));
    chart.append(svg("text", { x: left + 26 + s * 130, y: height - 9, fill: "#1f2328" }, series.query));
  });
  return chart;
}

// The chart as an SVG file, and (drawn on a canvas) as a PNG file.
function svgText(chart) {
  return new XMLSerializer().serializeToString(chart);
}

function downloadPng(chart, name) {
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = CHART.width * 2;
    canvas.height = CHART.height * 2;
    const context = canvas.getContext("2d");
    context.scale(2, 2);
    context.drawImage(image, 0, 0);
    const link = el("a", { href: canvas.toDataURL("image/png"), download: name + ".png" });
    document.body.append(link);
    link.click();
    link.remove();
  };
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(chart));
}

async function showTrend(state) {
  const terms = trendTerms(state.q);
  const raw = state.scale === "raw";
  const params = new URLSearchParams();
  for (const term of terms) params.append("q", term);
  for (const key of ["from", "to", "by"]) if (state[key]) params.set(key, state[key]);
  const trend = await getJson("/api/trend?" + params.toString());
  const section = document.getElementById("trend");
  const chart = trendChart(state, trend, raw);
  const name = "趋势-" + terms.join("-");
  const switches = el("p", { class: "switches" });
  const option = (label, change, chosen) =>
    chosen ? el("span", { class: "chosen" }, label) : el("a", { href: urlFor({ ...state, ...change }) }, label);
  switches.append(
    option("按比例", { scale: "" }, !raw),
    option("看原始数", { scale: "raw" }, raw),
    "　",
    option("按年", { by: "" }, trend.by === "year"),
    option("按月", { by: "month" }, trend.by === "month"),
    "　",
    el("a", { id: "svg-download", href: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(chart)), download: name + ".svg" }, "下载 SVG"),
  );
  const png = el("a", { id: "png-download", href: "#" }, "下载 PNG");
  png.addEventListener("click", (event) => {
    event.preventDefault();
    downloadPng(chart, name);
  });
  switches.append(png);
  const notes = trend.series.map((s) => s.query + " 共 " + s.total + (trend.per === "articles" ? " 篇" : " 段"));
  const caption = el("p", { class: "caption" }, notes.join("；") + "。点击数据点查看该时期的检索结果。");
  section.replaceChildren(switches, el("div", { class: "plot" }, chart), caption);
  section.hidden = false;
  document.getElementById("status").replaceChildren(
    "“" + terms.join("”“") + "”在档案中的变化（" + (raw ? "原始数" : "每万段比例") + "）",
  );
  await showCollocates(state, terms);
}

// The words found beside each term, beside the chart.
async function showCollocates(state, terms) {
  const section = document.getElementById("collocates");
  const lists = [];
  for (const term of terms) {
    const params = new URLSearchParams({ q: term, limit: "12" });
    for (const key of ["from", "to"]) if (state[key]) params.set(key, state[key]);
    const answer = await getJson("/api/collocates?" + params.toString());
    const words = (answer.lists[0] || { collocates: [] }).collocates;
    const items = words.map((c) =>
      el("li", { title: "G² " + c.score.toFixed(1) + "，" + c.passages + " 段" },
        el("a", { href: urlFor({ q: term + " " + c.word, view: "kwic" }) }, c.word),
        el("span", { class: "tag" }, c.tag)),
    );
    const list = items.length ? el("ol", {}, ...items) : el("p", { class: "none" }, "（无）");
    lists.push(el("div", { class: "words" }, el("h3", {}, term + " 的搭配词"), list));
  }
  section.replaceChildren(...lists);
  section.hidden = false;
}

// The concordance: the match centred between its contexts, columns sortable, a page at a time.
async function showKwic(state) {
  const offset = (state.page - 1) * KWIC_PAGE;
  const params = new URLSearchParams({ q: state.q, limit: String(KWIC_PAGE), offset: String(offset) });
  if (state.order) params.set("sort", state.order);
  for (const key of ["from", "to"]) if (state[key]) params.set(key, state[key]);
  const answer = await getJson("/api/kwic?" + params.toString());
  const order = state.order || "date";
  const head = (label, sort, cls) => {
    const chosen = order === sort;
    const link = el("a", { href: urlFor({ ...state, order: sort === "date" ? "" : sort, page: 1 }) }, label + (chosen ? " ▾" : ""));
    return el("th", { class: cls + (chosen ? " sorted" : ""), "aria-sort": chosen ? "ascending" : "none" }, link);
  };
  const table = el("table", { class: "kwic" });
  table.append(el("thead", {}, el("tr", {}, head("日期", "date", "date"), head("左文", "left", "left"), el("th", { class: "match" }, "检索词"), head("右文", "right", "right"), el("th", { class: "title" }, "文章"))));
  const body = el("tbody");
  for (const line of answer.lines) {
    const article = line.article;
    const title = article.title || article.id;
    const within = state.q + ' title:"' + title.replaceAll('"', "") + '"';
    const href = urlFor({ q: within, from: article.date, to: article.date }) + "#" + passageId(article.id, line.para, line.part);
    body.append(el("tr", {},
      el("td", { class: "date" }, article.date),
      el("td", { class: "left" }, el("span", {}, line.left)),
      el("td", { class: "match" }, el("mark", {}, line.match)),
      el("td", { class: "right" }, el("span", {}, line.right)),
      el("td", { class: "title" }, el("a", { href, title }, title), " ¶" + line.para),
    ));
  }
  table.append(body);
  const section = document.getElementById("kwic");
  const nav = el("nav", { class: "kwic-pages" });
  if (state.page > 1) nav.append(el("a", { href: urlFor({ ...state, page: state.page - 1 }) }, "‹ 上一页"));
  if (answer.more) nav.append(el("a", { href: urlFor({ ...state, page: state.page + 1 }) }, "下一页 ›"));
  section.replaceChildren(table, nav);
  section.hidden = false;
  const shown = answer.lines.length;
  document.getElementById("status").replaceChildren(
    answer.passages + " 段匹配；第 " + (shown ? offset + 1 : 0) + "–" + (offset + shown) + " 条语境" + (answer.more ? "，后面还有" : ""),
  );
}
