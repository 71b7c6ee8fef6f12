// 销控: the board (everyone) and the wall (大屏, a page of its own outside the shell).
import type { Area } from "../nav";
import BoardPage from "../views/BoardPage.vue";

export const area: Area = {
  routes: [{ path: "board", name: "board", component: BoardPage }],
  items: [
    { page: "board", title: "销控", to: "/board", permission: null, group: "销控", order: 20 },
    { page: "wall", title: "销控大屏", to: "/wall", permission: null, group: "销控", order: 21 },
  ],
};
