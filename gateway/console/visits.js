// 来访登记: register a walk-in today; the rotation (轮序接待) assigns the advisor at the head of
// the queue (a returning customer goes to their owner). Shows the queue and today's visits.
import * as api from "./api.js";
import { h, errorText, notice, timeShanghai } from "./util.js";

const KINDS = [["customer", "客户"], ["market_researcher", "市调"], ["visitor", "参观"]];
const ASSIGNMENT = { rotation: "轮序", owner: "原置业顾问", chosen: "指定" };

export function render(view, { session, projectId }) {
  const names = new Map();
  const result = h("div", { id: "visit-result", "aria-live": "polite" });
  const queueBox = h("ol", { id: "rotation-queue", class: "queue" });
  const skippedBox = h("p", { id: "rotation-skipped", class: "muted" });
  const visitsBox = h("tbody", { id: "visits-today" });
  const form = h("form", { id: "visit-form", class: "card form" },
    h("h3", {}, "来访登记"),
    h("label", {}, "客户姓名", h("input", { name: "customer_name", id: "visit-name", maxlength: 50 })),
    h("label", {}, "手机号", h("input", { name: "mobile", id: "visit-mobile", maxlength: 20, inputmode: "tel" })),
    h("label", {}, "来访类型", h("select", { name: "visitor_kind", id: "visit-kind" },
      KINDS.map(([v, t]) => h("option", { value: v }, t)))),
    h("label", {}, "人数", h("input", { name: "party_size", id: "visit-party", type: "number", min: 1, max: 50, value: 1 })),
    h("label", {}, "备注", h("input", { name: "note", id: "visit-note", maxlength: 300 })),
    h("button", { type: "submit", id: "visit-submit" }, "登记来访"),
    result);
  view.append(h("section", { class: "two-cols" }, form,
    h("div", { class: "card" }, h("h3", {}, "今日轮序"), queueBox, skippedBox)),
  h("section", { class: "card" }, h("h3", {}, "今日来访"),
    h("table", { class: "list" }, h("thead", {}, h("tr", {},
      ["时间", "客户", "类型", "置业顾问", "分配方式", "人数"].map((t) => h("th", {}, t)))), visitsBox)));

  const nameOf = (id) => (id == null ? "—" : names.get(id) || `#${id}`);

  async function loadNames() {
    if (!session.permissions.includes("accounts.read")) return;  // who may list the accounts
    try {
      for (const a of await api.get("/api/accounts")) names.set(a.id, a.full_name || a.username);
    } catch { /* names fall back to the rotation's usernames */ }
  }

  async function loadRotation() {
    const rotation = await api.get(`/api/projects/${projectId}/rotation`);
    for (const q of rotation.queue) if (!names.has(q.account_id)) names.set(q.account_id, q.username);
    for (const q of rotation.skipped) if (!names.has(q.account_id)) names.set(q.account_id, q.username);
    queueBox.replaceChildren(...(rotation.queue.length
      ? rotation.queue.map((q) => h("li", { dataset: { accountId: q.account_id } }, nameOf(q.account_id)))
      : [h("li", { class: "muted" }, "暂无在岗置业顾问")]));
    skippedBox.textContent = rotation.skipped.length
      ? "暂停：" + rotation.skipped.map((s) => `${nameOf(s.account_id)}（${s.reason}）`).join("，") : "";
  }

  async function loadVisits() {
    const rows = await api.get(`/api/projects/${projectId}/visits`, { limit: 100 });
    visitsBox.replaceChildren(...rows.map((v) => h("tr", {},
      h("td", {}, timeShanghai(v.at)), h("td", {}, v.customer_name || "—"),
      h("td", {}, Object.fromEntries(KINDS)[v.visitor_kind] || v.visitor_kind),
      h("td", {}, nameOf(v.advisor_id)), h("td", {}, ASSIGNMENT[v.assignment] || "—"), h("td", {}, v.party_size))));
  }

  async function refresh() {
    try {
      await loadRotation();
      await loadVisits();
    } catch (err) {
      result.replaceChildren(notice(errorText(err)));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { visitor_kind: form.visitor_kind.value, party_size: Number(form.party_size.value) || 1 };
    for (const key of ["customer_name", "mobile", "note"]) if (form[key].value.trim()) body[key] = form[key].value.trim();
    const button = form.querySelector("button");
    button.disabled = true;
    result.replaceChildren();
    try {
      const visit = await api.post(`/api/projects/${projectId}/visits`, body);
      await loadRotation().catch(() => {});
      const advisor = h("strong", { id: "assigned-advisor", dataset: { accountId: visit.advisor_id ?? "" } },
        nameOf(visit.advisor_id));
      result.replaceChildren(h("p", { class: "notice ok", role: "status" }, "已登记。接待置业顾问：", advisor,
        visit.assignment ? `（${ASSIGNMENT[visit.assignment] || visit.assignment}）` : "",
        visit.new_customer ? " · 新客户已报备" : "",
        visit.conflict_id ? " · 发生撞单，待经理裁定" : ""));
      form.reset();
      await loadVisits();
    } catch (err) {
      const text = err.code === "NO_ADVISOR_ON_DUTY" ? "当前没有在岗的置业顾问（需通过上岗考核并已打卡）" : errorText(err);
      result.replaceChildren(notice(text));
    } finally {
      button.disabled = false;
    }
  });

  loadNames().then(refresh);
  const timer = setInterval(() => { loadRotation().catch(() => {}); }, 5000);
  return () => clearInterval(timer);
}
