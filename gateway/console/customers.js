// 我的客户: an advisor's own customers (managers: the whole site) and the overdue follow-ups
// (首次响应 24 h, 需求分析 3 天, A/B 客户每周跟进, 交付后回访).
import * as api from "./api.js";
import { h, errorText, notice, timeShanghai } from "./util.js";

const RULES = {
  first_response: "首次响应（24 小时）", needs_analysis: "需求分析（3 天）",
  weekly_follow_up: "每周跟进（A/B 客户）", satisfaction_visit: "交付后回访",
};
const STATUS = {
  lead: "意向", subscribed: "已认购", signed: "已签约", lost: "流失",
};

function late(minutes) {
  if (minutes >= 1440) return `${Math.floor(minutes / 1440)} 天 ${Math.floor((minutes % 1440) / 60)} 小时`;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`;
  return `${minutes} 分`;
}

export function render(view, { session, projectId }) {
  const mine = session.permissions.includes("customers.see_all") ? null : session.accountId;
  const owner = (c) => {
    if (c.owner_id == null) return "公客";
    if (c.owner_id === session.accountId) return c.owner_name || session.username;
    return c.owner_name || `#${c.owner_id}`;
  };
  const search = h("input", { id: "customer-search", placeholder: "按姓名搜索", maxlength: 50 });
  const overdueBody = h("tbody", { id: "overdue-list" });
  const customerBody = h("tbody", { id: "customer-list" });
  const message = h("div");
  view.append(
    h("section", { class: "card" }, h("h3", {}, "逾期待跟进"), message,
      h("table", { class: "list" }, h("thead", {}, h("tr", {},
        ["客户", "等级", "置业顾问", "规则", "应完成", "已逾期"].map((t) => h("th", {}, t)))), overdueBody)),
    h("section", { class: "card" },
      h("div", { class: "page-head" }, h("h3", {}, mine ? "我的客户" : "案场客户"), search),
      h("table", { class: "list" }, h("thead", {}, h("tr", {},
        ["姓名", "手机", "等级", "状态", "置业顾问", "最近跟进", "保护期至"].map((t) => h("th", {}, t)))), customerBody)));

  async function loadOverdue() {
    const rows = await api.get(`/api/projects/${projectId}/overdue`, { advisor_id: mine });
    overdueBody.replaceChildren(...(rows.length ? rows.map((r) => h("tr", { class: "overdue" },
      h("td", {}, r.customer_name), h("td", {}, r.grade || "—"), h("td", {}, r.advisor_name || "—"),
      h("td", {}, RULES[r.rule] || r.rule), h("td", {}, timeShanghai(r.due_at)), h("td", { class: "late" }, late(r.minutes_late))))
      : [h("tr", {}, h("td", { colspan: 6, class: "muted" }, "没有逾期事项"))]));
  }

  async function loadCustomers() {
    const rows = await api.get(`/api/projects/${projectId}/customers`,
      { owner_id: mine, q: search.value.trim() || null, limit: 200 });
    customerBody.replaceChildren(...(rows.length ? rows.map((c) => h("tr", { dataset: { customerId: c.id } },
      h("td", {}, c.name), h("td", {}, c.mobile), h("td", {}, c.grade || "—"), h("td", {}, STATUS[c.status] || c.status),
      h("td", {}, owner(c)), h("td", {}, timeShanghai(c.last_follow_up_at) || "—"),
      h("td", {}, timeShanghai(c.protected_until) || "—")))
      : [h("tr", {}, h("td", { colspan: 7, class: "muted" }, "暂无客户"))]));
  }

  let debounce = null;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => loadCustomers().catch((err) => message.replaceChildren(notice(errorText(err)))), 300);
  });
  Promise.all([loadOverdue(), loadCustomers()]).catch((err) => message.replaceChildren(notice(errorText(err))));
  return () => clearTimeout(debounce);
}
