// 日报: the day's figures of the project (calls, visits, new leads, holds, subscriptions,
// contracts, receipts, mortgage disbursements), per advisor, with bar charts. A part whose
// service is down is listed as missing rather than failing the whole report.
import * as api from "./api.js";
import { h, wan, area, errorText, notice, todayShanghai } from "./util.js";
import { barChart } from "./chart.js";

const FIGURES = [
  ["calls", "来电"], ["visits", "来访"], ["new_leads", "新增客户"], ["holds", "预留"],
  ["subscriptions", "认购", "套"], ["contracts", "签约", "套"], ["receipts", "回款", "笔"],
  ["mortgage_disbursements", "按揭放款", "笔"],
];
// which figures each part (service) of the report brings: a missing part shows "—", not 0
const PART_KEYS = {
  crm: ["calls", "visits", "new_leads"], inventory: ["holds"], contracts: ["subscriptions", "contracts"],
  finance: ["receipts", "mortgage_disbursements"], hr: [],
};
const PART_NAMES = {
  crm: "客户（来电、来访、新增客户）", inventory: "房源（预留）", contracts: "交易（认购、签约）",
  finance: "财务（回款、按揭放款）", hr: "人员（置业顾问姓名）",
};
const REFRESH_MS = 30000;  // the day's figures move all day: the page follows by itself
const count = (v) => (v && typeof v === "object" ? Number(v.count || 0) : Number(v || 0));

export function render(view, { projectId, project }) {
  const day = h("input", { type: "date", id: "report-day", value: todayShanghai() });
  const body = h("div", { id: "report" }, h("p", { class: "muted" }, "加载中…"));
  view.append(h("section", {},
    h("div", { class: "page-head" }, h("h2", {}, `${project?.name ?? "项目"} · 日报`), h("label", {}, "日期 ", day),
      h("button", { type: "button", id: "report-refresh", onclick: () => load() }, "刷新")), body));

  let latest = 0;
  async function load() {
    const seq = ++latest;  // only the newest answer is drawn
    try {
      const report = await fetchReport(projectId, day.value);
      if (seq === latest) body.replaceChildren(...draw(report));
    } catch (err) {
      if (seq === latest) body.replaceChildren(notice(errorText(err)));
    }
  }
  day.addEventListener("change", load);
  load();
  const timer = setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
  return () => clearInterval(timer);
}

async function fetchReport(projectId, day) {
  try {
    return await api.get(`/api/projects/${projectId}/reports/daily`, { day });
  } catch (err) {
    if (err.status !== 404 || err.code !== "NO_ROUTE") throw err;
    return fallbackReport(projectId, day);  // a gateway without the reports routes
  }
}

async function fallbackReport(projectId, day) {
  const rows = await api.get(`/api/projects/${projectId}/visit-counts`, { from: day, to: day });
  const byAdvisor = new Map();
  const totals = { calls: 0, visits: 0, new_leads: 0 };
  for (const r of rows) {
    const a = byAdvisor.get(r.advisor_id) || { advisor_id: r.advisor_id, name: null, calls: 0, visits: 0, new_leads: 0 };
    a.calls += r.calls; a.visits += r.visits; a.new_leads += r.new_customers;
    totals.calls += r.calls; totals.visits += r.visits; totals.new_leads += r.new_customers;
    byAdvisor.set(r.advisor_id, a);
  }
  return { scope: { project_id: projectId, day }, totals, by_advisor: [...byAdvisor.values()],
    missing: ["inventory", "contracts", "finance"].map((part) => ({ part, error: "报表服务不可用" })) };
}

function draw(report) {
  const t = report.totals || {};
  const parts = [...new Set((report.missing || []).map((m) => (typeof m === "string" ? m : m.part)))];
  const gone = new Set(parts.flatMap((part) => PART_KEYS[part] || []));
  const out = [];
  if (parts.length) {
    out.push(notice(`以下数据暂不可用（服务未响应），其余数据照常：${parts.map((p) => PART_NAMES[p] || p).join("、")}`, "warn"));
  }
  out.push(h("div", { class: "figures", id: "report-totals" }, FIGURES.map(([key, label, unit]) => {
    const v = t[key];
    if (gone.has(key) || v == null) return figure(key, label, "—");
    if (typeof v !== "object") return figure(key, label, count(v));
    const detail = [v.area != null ? area(v.area) : null, wan(v.amount)].filter(Boolean).join(" · ");
    return figure(key, label, count(v), unit, detail);
  })));
  const shown = FIGURES.filter(([key]) => !gone.has(key));
  out.push(h("div", { class: "card" }, barChart({
    id: "chart-totals", title: "当日指标",
    categories: shown.map(([, label]) => label),
    series: [{ label: "数量", cls: "c1", values: shown.map(([key]) => count(t[key])) }],
  })));
  const advisors = report.by_advisor || [];
  if (advisors.length) {
    const name = (a) => a.name || (a.advisor_id == null ? "未分配" : `#${a.advisor_id}`);
    const series = [["visits", "来访", "c1"], ["calls", "来电", "c2"], ["new_leads", "新增客户", "c3"], ["contracts", "签约", "c4"]]
      .filter(([key]) => !gone.has(key));
    out.push(h("div", { class: "card" }, barChart({
      id: "chart-advisors", title: "按置业顾问",
      categories: advisors.map(name),
      series: series.map(([key, label, cls]) => ({ label, cls, values: advisors.map((a) => count(a[key])) })),
    })));
    const cellOf = (a, key, money) => {
      if (gone.has(key) || a[key] == null) return h("td", {}, "—");
      return h("td", {}, money ? wan(a[key].amount) : count(a[key]));
    };
    out.push(h("table", { class: "list card", id: "report-advisors" }, h("thead", {}, h("tr", {},
      ["置业顾问", ...FIGURES.slice(0, 6).map(([, l]) => l), "签约金额", "回款金额"].map((x) => h("th", {}, x)))),
    h("tbody", {}, advisors.map((a) => h("tr", {}, h("td", {}, name(a)),
      FIGURES.slice(0, 6).map(([key]) => cellOf(a, key, false)),
      cellOf(a, "contracts", true), cellOf(a, "receipts", true))))));
  }
  return out;
}

function figure(key, label, value, unit = "", detail = "") {
  return h("div", { class: "figure card", dataset: { key } }, h("span", { class: "label" }, label),
    h("strong", { class: "value", dataset: { value: typeof value === "number" ? value : "" } },
      value, typeof value === "number" && unit ? h("small", {}, ` ${unit}`) : null),
    detail ? h("small", {}, detail) : null);
}
