// API errors in Chinese: the gateway answers {"error": CODE, "message": English text}; the
// console shows the Chinese text of the code (the code itself small beside it) and never the
// English message. A code not in the table falls back to the text of its HTTP status.
// Every code the OpenAPI document names (its operations' and error responses' descriptions)
// is here: tests/test_console_web.py checks it.
export const MESSAGES: Record<string, string> = {
  // sign-in and the token
  BAD_CREDENTIALS: "用户名或密码错误",
  LOGIN_RATE_LIMITED: "登录尝试过于频繁，请稍后再试",
  TOKEN_MISSING: "请先登录",
  TOKEN_INVALID: "登录已失效，请重新登录",
  TOKEN_EXPIRED: "登录已过期，请重新登录",
  TOKEN_REVOKED: "登录已被注销，请重新登录",
  UNAUTHENTICATED: "请先登录",
  ACCOUNT_NOT_FOUND: "账号不存在",
  WRONG_PASSWORD: "原密码错误",
  SAME_PASSWORD: "新密码不能与原密码相同",
  WEAK_PASSWORD: "密码强度不足",
  // 销控大屏 display tokens
  DISPLAY_TOKEN_INVALID: "大屏授权码无效，请向总监索取新的大屏链接",
  DISPLAY_TOKEN_REVOKED: "此大屏授权已被总监撤销，请联系总监重新发放",
  DISPLAY_TOKEN_EXPIRED: "此大屏授权已过期，请联系总监重新发放",
  DISPLAY_TOKEN_NOT_FOUND: "大屏授权不存在",
  EXPIRY_IN_PAST: "到期时间须晚于现在",
  // permissions and scope
  FORBIDDEN: "没有权限执行此操作",
  PROJECT_FORBIDDEN: "您没有此项目的权限",
  SELF_APPROVAL: "不能审批自己提交的事项",
  SELF_GRANT: "不能修改自己的角色或项目",
  // units and holds (销控)
  UNIT_NOT_AVAILABLE: "该房源当前不可预留（已被预留、锁定或售出）",
  UNIT_NOT_FOUND: "房源不存在",
  NO_PRESALE_PERMIT: "该楼栋尚未取得预售证，不能预留",
  BUYER_HOLD_LIMIT: "该客户的预留套数已达上限",
  HOLD_NOT_ACTIVE: "该预留已失效（已到期、已取消或已转认购）",
  HOLD_TOO_LONG: "预留延期超过允许的时长",
  // 销控 desk: locks, 推盘, price lists (调价), 排班
  UNIT_NOT_LOCKED: "所选房源中有未锁定的房源，未做任何解锁",
  BUILDING_NOT_FOUND: "楼栋不存在",
  RUN_AT_IN_PAST: "推盘时间须晚于现在",
  SCHEDULE_NOT_PENDING: "该推盘计划已执行或已取消",
  EMPTY_SELECTION: "所选范围内没有在售房源",
  PRICE_NOT_POSITIVE: "调价后有房源价格为零或负数",
  DRAFT_EXISTS: "已有一份调价草稿，请先发布或放弃",
  PRICE_LIST_NOT_DRAFT: "该价目表已不是草稿",
  PRICE_LIST_STALE: "草稿生成后有房源价格已变动，请放弃草稿后重新调价",
  NO_SHIFTS: "请先设置班次再排班",
  NO_STAFF: "本案场尚无人员，无法排班",
  NOT_A_MONDAY: "排班周须从周一开始",
  BAD_REST_DAYS: "每人轮休天数须在 0 到 6 天之间",
  BAD_FIXED_REST: "固定休息日设置有误",
  ROTA_BUSY: "排班正被他人修改，请稍后再试",
  DUTY_NOT_FAIR: "值日无法公平分配：有人上班天数太少",
  WEEKEND_REST_TWICE: "上周已在周末轮休的人员本周不能再在周末轮休",
  NOT_HOLD_OWNER: "只能操作自己的预留",
  PROJECT_NOT_FOUND: "项目不存在",
  // customers, visits and the rotation
  CUSTOMER_NOT_FOUND: "客户不存在",
  CUSTOMER_NOT_YOURS: "该客户不属于您",
  NOT_OWNER: "您不是该客户的置业顾问",
  CUSTOMER_BUSY: "该客户正被他人处理，请稍后再试",
  CUSTOMER_NAME_REQUIRED: "请填写客户姓名",
  MOBILE_NOT_FOR_VISITOR: "参观或市调来访不登记手机号",
  ADVISOR_REQUIRED: "请指定置业顾问",
  NO_ADVISOR_ON_DUTY: "当前没有在岗的置业顾问（需通过上岗考核并已打卡）",
  ADVISOR_NOT_IN_ROTATION: "该置业顾问不在今日轮序中",
  ROTATION_BUSY: "轮序正在更新，请稍后再试",
  ROTATION_CHANGED: "轮序已变化，请刷新后重试",
  NOT_TODAY: "只能登记当天的来访",
  // the request itself
  VALIDATION_ERROR: "填写的内容有误，请检查后重试",
  INVALID: "填写的内容有误，请检查后重试",
  INVALID_JSON: "请求格式错误",
  BAD_REQUEST: "请求有误",
  BAD_TEXT: "内容含有不允许的字符",
  BODY_TOO_LARGE: "提交的内容过大",
  TOO_DEEP: "提交的内容层级过深",
  UNSUPPORTED_MEDIA_TYPE: "请求格式不受支持",
  NOT_FOUND: "要找的内容不存在",
  NO_ROUTE: "没有这个功能（接口不存在）",
  CONFLICT: "操作与当前状态冲突，请刷新后重试",
  RULE_VIOLATED: "不符合业务规则",
  RATE_LIMITED: "操作过于频繁，请稍后再试",
  IDEMPOTENCY_IN_PROGRESS: "同一请求正在处理中",
  IDEMPOTENCY_KEY_REUSED: "重复的请求编号",
  INVALID_IDEMPOTENCY_KEY: "请求编号无效",
  SERVICE_UNAVAILABLE: "服务暂时不可用，请稍后再试",
  INTERNAL: "系统内部错误，请稍后再试",
  NETWORK: "无法连接服务器，请检查网络",
  SERVICE_BUSY: "系统繁忙，请稍后再试",
  URI_TOO_LONG: "请求地址过长",
  SPREADSHEET_TOO_LARGE: "表格文件过大",
  TOO_MANY_ROWS: "表格行数过多",
  TOO_MANY_CELLS: "表格单元格过多",
  INVALID_SPREADSHEET: "无法读取该表格文件",
  MISSING_COLUMNS: "表格缺少必需的列",
  IMPORT_QUEUE_FULL: "导入排队已满，请稍后重新上传",
  IMPORT_INTERRUPTED: "导入中断，请重新上传",
  INVALID_MOBILE: "手机号格式不正确",
  // deals, changes, contracts and money
  BELOW_BASE_PRICE: "调价后有房源低于底价，须总监批准后才能发布",
  PRICE_BELOW_FLOOR: "价格低于底价，需经理审批",
  BUYER_SHARES: "购房人份额之和须为 100%",
  CHANGE_NOT_REQUESTED: "该变更尚未申请",
  CONTRACT_EXISTS: "该交易已有合同",
  CONTRACT_NOT_DRAFT: "合同已不是草稿状态",
  DATE_IN_FUTURE: "日期不能晚于今天",
  DATE_OUT_OF_ORDER: "日期顺序不对：不能早于前一环节的日期（认购≤签约≤网签≤备案≤交房，收款不早于认购）",
  DATE_TOO_EARLY: "日期过早（早于 2000 年），请检查年份",
  DEAL_CANCELLED: "该交易已取消",
  DEAL_CHANGED: "该交易已变更，请刷新后重试",
  DEAL_FILED: "该交易已备案，不能再变更",
  DEAL_NOT_FILED: "该交易尚未备案",
  DEAL_NOT_SUBMITTED: "该交易尚未提交审批",
  DEAL_NOT_SUBSCRIBED: "该交易尚未认购",
  DEAL_STATE: "交易当前状态不允许此操作",
  AGREEMENT_NOT_PENDING: "该补充协议不在待审批状态",
  SUBSCRIPTION_PENDING: "认购正在处理中",
  SUBSCRIPTION_FAILED: "认购未成功",
  MORTGAGE_EXISTS: "该交易已有按揭办理记录",
  MORTGAGE_STEP: "按揭办理步骤顺序不对",
  NOT_MORTGAGE: "该交易不是按揭付款",
  TITLE_STEP: "房产证办理步骤顺序不对",
  CERTIFICATE_NO_REQUIRED: "请填写房产证号",
  RECEIPT_NOT_VALID: "该收据已作废或无效",
  NOTHING_TO_SETTLE: "没有可结算的款项",
  COMMISSION_MONTH_ISSUED: "该月佣金已出具",
  MONTH_NOT_OVER: "该月尚未结束",
  PERIOD_NOT_OVER: "该期间尚未结束",
  PERIOD_BEFORE_LAST: "不能早于上一期",
  SAME_PERSON: "须由另一人复核",
  // 收款 and statements (finance)
  OVERPAYMENT: "收款金额超过该成交的待收金额",
  NOT_YOUR_DEAL: "这不是您的成交",
  DEAL_NOT_FOUND: "成交不存在",
  RECEIPT_NOT_FOUND: "收据不存在",
  RECEIVED_IN_FUTURE: "收款日期不能晚于今天",
  DEPOSIT_OUT_OF_RANGE: "定金不在允许的范围内",
  SCHEDULE_BUSY: "该成交的付款计划正被他人修改，请稍后重试",
  RECEIPT_NUMBER_BUSY: "收据号正被占用，请重试",
  STATEMENT_RACE: "结算单正被他人出具，请刷新后重试",
  CHANGED_CONCURRENTLY: "数据已被他人修改，请刷新后重试",
  NO_AGENCY_TERMS: "该项目尚未设置代理费条款",
  AGENCY_TERMS_NOT_FOUND: "该项目尚未设置代理费条款",
  NO_COMMISSION_RULES: "该项目尚未设置提成规则",
  COMMISSION_RULES_NOT_FOUND: "该项目尚未设置提成规则",
  NOT_YOUR_STATEMENT: "这不是您的提成单",
  LATER_MONTH_STATED: "之后的月份已出具提成单，不能再出具此月",
  // customers and follow-ups
  CONFLICT_RULED: "该撞单已裁定",
  COMPLAINT_NOT_OPEN: "该投诉已关闭",
  FOLLOW_UP_IN_FUTURE: "跟进时间不能晚于现在",
  NOT_YOUR_LIST: "这不是您的名单",
  NOT_A_SITE_ADVISOR: "该人员不是本案场的置业顾问",
  ALREADY_SKIPPED: "该置业顾问已暂停轮序",
  NOT_SKIPPED: "该置业顾问未暂停轮序",
  ORDER_MISMATCH: "轮序顺序与当前不符，请刷新后重试",
  // people
  ACCOUNT_NOT_ASSIGNED: "该账号未分配到此项目",
  HEADCOUNT_REACHED: "编制已满",
  ILLEGAL_STAGE_MOVE: "招聘阶段不能这样调整",
  LEAVE_NOT_PENDING: "该请假不在待审批状态",
  LINE_NOT_OPEN: "该岗位未开放招聘",
  ROTA_INVALID: "排班不合规",
  ROTA_NOT_COVERABLE: "排班无法覆盖所需岗位",
  SHIFT_EXISTS: "该班次已存在",
  SESSION_CANCELLED: "该培训场次已取消",
  SESSION_NOT_SCHEDULED: "该培训场次未排期",
  TRANSFER_ALREADY_PLANNED: "此人已有待生效的调岗，请等其生效后再调",
};

const BY_STATUS: Record<number, string> = {
  400: "请求有误",
  401: "请先登录",
  403: "没有权限执行此操作",
  404: "要找的内容不存在",
  409: "操作与当前状态冲突，请刷新后重试",
  413: "提交的内容过大",
  415: "请求格式不受支持",
  422: "不符合业务规则",
  429: "操作过于频繁，请稍后再试",
  503: "服务暂时不可用，请稍后再试",
};

/** The Chinese text of an API error: its code's, else its HTTP status's, else a general one. */
export function errorMessage(code: string | null | undefined, status?: number): string {
  if (code && Object.hasOwn(MESSAGES, code)) return MESSAGES[code] as string;
  if (status !== undefined && Object.hasOwn(BY_STATUS, status)) return BY_STATUS[status] as string;
  if (status !== undefined && status >= 500) return "系统暂时不可用，请稍后再试";
  return "操作失败，请稍后再试";
}

/** An error of the API: its HTTP status and stable code (the English message is kept for logs only). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  constructor(status: number, code: string | null, detail?: string) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
  get text(): string {
    return errorMessage(this.code, this.status);
  }
}

/** What to show for anything thrown: {text in Chinese, code to show small}. */
export function describe(err: unknown): { text: string; code: string | null } {
  if (err instanceof ApiError) return { text: err.text, code: err.code ?? (err.status ? `HTTP ${err.status}` : null) };
  return { text: MESSAGES.NETWORK as string, code: null };
}
