// Who is signed in (GET /api/me: name, role title, permissions, projects) and which project is
// shown. The console never reads the role's name: what it offers follows `permissions`.
import { reactive } from "vue";
import { client, ok, type Me, type Project } from "./client";
import { clearToken, storedProject, storeProject } from "./session";

export const state = reactive({
  me: null as Me | null,
  projects: [] as Project[],
  projectId: null as number | null,
});

export function can(permission: string): boolean {
  return !!state.me?.permissions?.includes(permission);
}

/** Reads the account and its projects once per sign-in; picks the stored or the newest project. */
export async function loadAccount(): Promise<void> {
  if (state.me) return;
  const [me, projects] = await Promise.all([ok(client.GET("/api/me")), ok(client.GET("/api/projects"))]);
  state.me = me;
  state.projects = projects;
  const stored = storedProject();
  const last = projects[projects.length - 1];
  state.projectId = projects.some((p) => p.id === stored) ? stored : last ? last.id ?? null : null;
  if (state.projectId) storeProject(state.projectId);
}

export function chooseProject(id: number): void {
  state.projectId = id;
  storeProject(id);
}

export function signOut(): void {
  clearToken();
  state.me = null;
  state.projects = [];
  state.projectId = null;
}
