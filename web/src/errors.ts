// API errors in Chinese: the gateway answers {"error": CODE, "message": English text}; the
// console shows the Chinese text of the code (the code itself small beside it) and never the
// English message. A code not in the table falls back to the text of its HTTP status.
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
