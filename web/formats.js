// The formats of Chinese government forms, checked in the browser with the server's rules and words
// (core/formats.py): the applicant sees "统一社会信用代码校验位错误" as soon as they leave the field.
// Both implementations are tested against the same vectors (tests/data/format_vectors.json), so the
// two cannot drift apart. No DOM here: node runs this module in the tests.

const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?$/;
const SERVICE = /^([48]00-?\d{3}-?\d{4}|12\d{3})$/;
const POSTCODE = /^\d{6}$/;
const MONEY = /^(0|[1-9]\d{0,14})(\.\d{1,2})?$/;
const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day? (2023-02-29 is not.) */
function realDate(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return null;
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  return day;
}

function uscc(v) {
  if ([...v].length !== 18) return `应为18位（当前${[...v].length}位）`;
  const bad = [...v].find((c) => !USCC_CHARS.includes(c));
  if (bad !== undefined) return `含有无效字符“${bad}”（只能是数字和大写字母，不含I、O、S、V、Z）`;
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += USCC_CHARS.indexOf(v[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (total % 31)) % 31] === v[17] ? null : "校验位错误";
}

function residentId(v, today = new Date()) {
  if ([...v].length !== 18) return `应为18位（当前${[...v].length}位）`;
  if (!/^\d{17}[\dX]$/.test(v)) {
    const hint = /^\d{17}x$/.test(v) ? "（末位x应为大写X）" : "";
    return `应为17位数字加1位数字或X${hint}`;
  }
  const born = realDate(Number(v.slice(6, 10)), Number(v.slice(10, 12)), Number(v.slice(12, 14)));
  if (!born) return "中的出生日期不存在";
  if (born > today || born.getUTCFullYear() < 1800) return "中的出生日期不合理";
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(v[i]) * ID_WEIGHTS[i];
  return ID_CHECK[total % 11] === v[17] ? null : "校验位错误";
}

function money(v) {
  if (typeof v === "string") return MONEY.test(v) ? null : "应为不小于0、最多两位小数的数字（如1250.50）";
  if (typeof v !== "number") return "应为数字";
  if (!Number.isFinite(v)) return "应为有限的数字";
  if (v < 0) return "不能为负数";
  const text = String(v);
  if (/e-/.test(text)) return "最多保留两位小数";
  const decimals = text.includes(".") ? text.split(".")[1].length : 0;
  return decimals > 2 ? "最多保留两位小数" : null;
}

const STRING_CHECKS = {
  uscc,
  "resident-id": (v) => residentId(v),
  "mobile-cn": (v) => (MOBILE.test(v) ? null : "应为以1开头的11位数字"),
  "phone-cn": (v) => (MOBILE.test(v) || LANDLINE.test(v) || SERVICE.test(v) ? null : "格式不正确（固定电话须带区号，如0763-1234567；或填写11位手机号码）"),
  "postcode-cn": (v) => (POSTCODE.test(v) ? null : "应为6位数字"),
  "year-month": (v) => (YEAR_MONTH.test(v) ? null : "应为“年-月”格式（如2024-07）"),
  date: (v) => (DATE.test(v) && realDate(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))) ? null : "应为日期（如2024-07-01）"),
  email: (v) => (v.includes("@") ? null : "应为有效的电子邮箱地址"),
  "idn-email": (v) => (v.includes("@") ? null : "应为有效的电子邮箱地址"),
};

/** Formats checked here; any other format is left to the server. */
export const CHECKED_FORMATS = Object.freeze([...Object.keys(STRING_CHECKS), "money"]);

/**
 * Why `value` does not match `format` (the Chinese predicate the server puts after the field's label),
 * or null when it matches, is of another type (the `type` keyword reports that) or the format is unknown.
 */
export function formatReason(format, value) {
  if (format === "money") {
    if (typeof value === "boolean" || (typeof value !== "string" && typeof value !== "number")) return null;
    return money(value);
  }
  const check = STRING_CHECKS[format];
  if (!check || typeof value !== "string") return null;
  return check(value);
}

/** The server's whole message for a field: “统一社会信用代码”校验位错误. */
export function formatMessage(label, format, value) {
  const reason = formatReason(format, value);
  return reason === null ? null : `${label}${reason}`;
}
