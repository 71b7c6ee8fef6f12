// 渠道 (渠道分销, issue 19): 渠道管理 (channels, brokers, the project's 判客 rules: managers and
// directors), 报备与判客 (reports and their verdicts, 申诉 and rulings), 带看核验 (reception
// checks a 带看码), 渠道风控 (risk alerts: managers), and 渠道结佣 (finance and directors; managers read).
import type { Area } from "../nav";
import ChannelsPage from "../views/channels/ChannelsPage.vue";
import ReportsPage from "../views/channels/ReportsPage.vue";
import VisitCheckPage from "../views/channels/VisitCheckPage.vue";
import RiskPage from "../views/channels/RiskPage.vue";
import CommissionPage from "../views/channels/CommissionPage.vue";

export const area: Area = {
  routes: [
    { path: "channels", name: "channels", component: ChannelsPage, meta: { permission: "channels.manage" } },
    { path: "channel-reports", name: "channel-reports", component: ReportsPage, meta: { permission: "channel_reports.read" } },
    { path: "channel-visit", name: "channel-visit", component: VisitCheckPage, meta: { permission: "channel_visits.verify" } },
    { path: "channel-risk", name: "channel-risk", component: RiskPage, meta: { permission: "channel_risk.read" } },
    { path: "channel-commission", name: "channel-commission", component: CommissionPage, meta: { permission: "channel_commission.read" } },
  ],
  items: [
    { page: "channels", title: "渠道管理", to: "/channels", permission: "channels.manage", group: "渠道", order: 50 },
    { page: "channel-reports", title: "报备与判客", to: "/channel-reports", permission: "channel_reports.read", group: "渠道", order: 51 },
    { page: "channel-visit", title: "带看核验", to: "/channel-visit", permission: "channel_visits.verify", group: "渠道", order: 52 },
    { page: "channel-risk", title: "渠道风控", to: "/channel-risk", permission: "channel_risk.read", group: "渠道", order: 53 },
    { page: "channel-commission", title: "渠道结佣", to: "/channel-commission", permission: "channel_commission.read", group: "财务", order: 75 },
  ],
};
