// 销控大屏: every unit of the project as a cell coloured by its status, per building and floor,
// with count, area and amount per status. Polls the board every 2 s and redraws only on change.
import * as api from "./api.js";
import { h, wan, area, errorText, notice } from "./util.js";

export const STATUSES = [
  ["available", "可售"], ["held", "预留"], ["locked", "锁定"], ["subscribed", "认购"],
  ["signed", "签约"], ["filed", "备案"], ["delivered", "交付"], ["unreleased", "未推"],
];
const LABEL = Object.fromEntries(STATUSES);
const POLL_MS = 2000;

export function render(view, { projectId, project }) {
  const status = h("span", { class: "muted", id: "board-updated" }, "");
  const body = h("div", { id: "board" }, h("p", { class: "muted" }, "加载中…"));
  view.append(h("section", { class: "board-page" },
    h("div", { class: "page-head" }, h("h2", {}, `${project?.name ?? "项目"} · 销控表`), status), body));
  let last = null;
  let timer = null;
  let stopped = false;

  async function refresh() {
    if (document.hidden && last !== null) {  // a tab nobody looks at waits; the wall screen never hides
      timer = setTimeout(refresh, POLL_MS);
      return;
    }
    try {
      const data = await api.get(`/api/projects/${projectId}/board`);
      const text = JSON.stringify(data);
      if (text !== last) {
        last = text;
        body.replaceChildren(totals(data.totals || {}), ...data.buildings.map(building));
      }
      status.textContent = `更新于 ${new Date().toLocaleTimeString("zh-CN", { hour12: false })}`;
      status.classList.remove("stale");
    } catch (err) {
      status.textContent = `刷新失败：${errorText(err)}`;
      status.classList.add("stale");
      if (last === null) body.replaceChildren(notice(errorText(err)));
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

function totals(byStatus) {
  const rows = STATUSES.filter(([key]) => byStatus[key]?.count).map(([key, label]) => {
    const t = byStatus[key];
    return h("div", { class: `total s-${key}`, dataset: { status: key } },
      h("span", { class: "swatch" }), h("b", {}, label),
      h("span", { class: "count", dataset: { count: t.count } }, `${t.count} 套`),
      h("span", {}, area(t.gross_area)), h("span", {}, wan(t.amount)));
  });
  return h("div", { class: "totals", id: "board-totals" }, rows.length ? rows : h("span", { class: "muted" }, "暂无房源"));
}

function building(b) {
  const floors = [...b.floors].sort((x, y) => y.floor - x.floor);  // top floor first, as on the wall
  return h("div", { class: "building card", dataset: { building: b.id } },
    h("h3", {}, b.name, b.permit_no ? h("small", {}, ` 预售证 ${b.permit_no}`) : h("small", { class: "warn" }, " 未取得预售证")),
    h("table", { class: "floors" }, h("tbody", {}, floors.map((f) =>
      h("tr", {}, h("th", {}, `${f.floor}F`), f.units.map(cell))))));
}

function cell(u) {
  return h("td", {
    class: `unit s-${u.status}`, dataset: { unitId: u.id, status: u.status },
    title: `${u.number} ${u.layout} ${area(u.gross_area)} ${wan(u.list_price)} · ${LABEL[u.status] || u.status}`,
  }, u.number);
}
