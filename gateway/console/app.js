// The console's shell: sign-in, the navigation by the account's permissions (GET /api/me), the
// project picker and a hash router.
import * as api from "./api.js";
import { h, errorText, notice } from "./util.js";
import * as board from "./board.js";
import * as visits from "./visits.js";
import * as customers from "./customers.js";
import * as report from "./report.js";

// The permission (GET /api/me) a page needs, the one its main call needs: the gateway
// enforces the same on every API call.
const PAGES = [
  { path: "board", title: "销控大屏", module: board, permission: null },
  { path: "visits", title: "来访登记", module: visits, permission: "visits.register" },
  { path: "customers", title: "我的客户", module: customers, permission: "follow_ups.overdue" },
  { path: "report", title: "日报", module: report, permission: "reports.read" },
];

let cleanup = null;
let showing = 0;  // a newer navigation wins over one still waiting for the API
let projects = [];

const allowed = (page, s) => page.permission === null || s.permissions.includes(page.permission);

async function show() {
  const seq = ++showing;
  if (cleanup) { cleanup(); cleanup = null; }
  const view = document.getElementById("view");
  let s = api.session();
  const path = location.hash.replace(/^#\/?/, "") || "board";
  if (s && path !== "login") {
    let account;
    try {
      account = await api.me();
    } catch (err) {  // a 401 has sent the user to the login page already
      if (seq === showing && api.session()) view.replaceChildren(notice(errorText(err)));
      return;
    }
    if (seq !== showing) return;
    s = account && { ...s, permissions: account.permissions, roleTitle: account.role_title };
  }
  if (!s) {
    document.getElementById("top").hidden = true;
    if (path !== "login") { location.hash = "#/login"; return; }
    view.replaceChildren(loginForm());
    return;
  }
  if (path === "login") { location.hash = "#/board"; return; }
  const page = PAGES.find((p) => p.path === path && allowed(p, s));
  if (!page) { location.hash = "#/board"; return; }
  await shell(s, page);
  if (seq !== showing) return;
  const projectId = api.currentProject();
  view.replaceChildren();
  if (!projectId) { view.append(notice("没有可查看的项目。", "info")); return; }
  const project = projects.find((p) => p.id === projectId);
  cleanup = page.module.render(view, { session: s, projectId, project }) || null;
}

async function shell(s, page) {
  const top = document.getElementById("top");
  top.hidden = false;
  const nav = document.getElementById("nav");
  nav.replaceChildren(...PAGES.filter((p) => allowed(p, s)).map((p) =>
    h("a", { href: `#/${p.path}`, class: p === page ? "active" : null, dataset: { page: p.path } }, p.title)));
  document.getElementById("who").textContent = `${s.username} · ${s.roleTitle}`;
  if (!projects.length) {
    try { projects = await api.get("/api/projects"); } catch (err) { projects = []; }
  }
  const select = document.getElementById("project");
  select.replaceChildren(...projects.map((p) => h("option", { value: p.id }, p.name)));
  let current = api.currentProject();
  if (!projects.some((p) => p.id === current) && projects.length) {
    current = projects[projects.length - 1].id;  // the newest project
    api.setProject(current);
  }
  if (current) select.value = String(current);
}

function loginForm() {
  const message = h("div", { id: "login-message" });
  const form = h("form", { id: "login-form", class: "card login", autocomplete: "on" },
    h("h1", {}, "楼盘 · 案场控制台"),
    h("label", {}, "用户名", h("input", { name: "username", id: "username", required: true, autocomplete: "username" })),
    h("label", {}, "密码", h("input", { name: "password", id: "password", type: "password", required: true,
      autocomplete: "current-password" })),
    h("button", { type: "submit", id: "login-button" }, "登录"),
    message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.replaceChildren();
    try {
      await api.login(form.username.value.trim(), form.password.value);
      projects = [];
      location.hash = "#/board";
    } catch (err) {
      message.append(notice(err.status === 401 ? "用户名或密码错误" : errorText(err)));
    }
  });
  return form;
}

document.getElementById("project").addEventListener("change", (event) => {
  api.setProject(Number(event.target.value));
  show();
});
document.getElementById("logout").addEventListener("click", () => {
  api.logout();
  projects = [];
  location.hash = "#/login";
});
window.addEventListener("hashchange", show);
show();
