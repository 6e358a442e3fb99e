// GraphQL over HTTP: POST /graphql with variables and the bearer token; errors shown where they belong.
//
// Two kinds of failure reach the user:
//  - UserErrors (a mutation's union result): each error carries a JSON pointer `path` into the submitted
//    document; showUserErrors() puts its message next to the element whose data-path matches.
//  - GraphQL errors (permission, not found, server trouble): gql() throws a RequestError; the caller
//    shows it as a banner with showBanner().

const TOKEN_KEY = "govhall.token";
const USER_KEY = "govhall.user";

export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY) || "";
  },
  get user() {
    try {
      return JSON.parse(localStorage.getItem(USER_KEY) || "null");
    } catch {
      return null;
    }
  },
  save(token, user) {
    this.lapsed = false;
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  setUser(user) {
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
  },
  lapsed: false, // the login was dropped because the server no longer accepted it
};

export class RequestError extends Error {
  constructor(message, { errors = [], status = 0, data = null } = {}) {
    super(message);
    this.name = "RequestError";
    this.errors = errors;
    this.status = status;
    this.data = data;
  }

  /** The `extensions.code` of the first error (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, INTERNAL...). */
  get code() {
    const first = this.errors.find((e) => e.extensions && e.extensions.code);
    return first ? first.extensions.code : "";
  }

  /** True when the query names a field the server's schema does not have (a module not installed yet). */
  get missingField() {
    return this.errors.some((e) => /Cannot query field|Unknown argument|Unknown type/.test(e.message || ""));
  }
}

/** The raw response body: `{data, errors}`. Throws RequestError only when there is no usable answer. */
export async function request(query, variables = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
      credentials: "same-origin",
    });
  } catch {
    throw new RequestError("无法连接服务器，请检查网络后重试");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new RequestError(`服务器返回异常（HTTP ${response.status}），请稍后重试`, { status: response.status });
  }
  if (!body || typeof body !== "object") {
    throw new RequestError(`服务器返回异常（HTTP ${response.status}）`, { status: response.status });
  }
  return body;
}

/**
 * What a person is told of one GraphQL error. A refused variable (an empty or invalid date or number
 * typed on the screen) comes in Chinese from the server, with graphql-core's English for developers in
 * `extensions.detail`: that goes to the console.
 */
function userMessage(error) {
  if (error.extensions && error.extensions.detail) console.error(error.extensions.detail);
  // input refused before it reached the operation (BAD_USER_INPUT): its own words, without the
  // variable's path (/$d/note) that the message carries for developers
  const refused = error.extensions && Array.isArray(error.extensions.userErrors) ? error.extensions.userErrors : [];
  if (refused.length && refused.every((e) => e && e.message)) {
    console.error(error.message);
    return [...new Set(refused.map((e) => e.message))].join("；");
  }
  return String(error.message || "");
}

/**
 * What the server refused in variable `name` before any operation ran (BAD_USER_INPUT: 数值超出可处理的范围
 * for a number typed too large), as UserErrors at `base` + the path inside the variable
 * (`/$d/registeredCapital` → `/data/registeredCapital`), so the form shows each beside its field; null
 * when the error is anything else (then it is for the banner).
 */
export function refusedInput(error, name, base = "") {
  const errors = (error && error.errors) || [];
  if (!errors.length || errors.some((e) => !(e && e.extensions && Array.isArray(e.extensions.userErrors)))) return null;
  const refused = errors.flatMap((e) => e.extensions.userErrors);
  const head = `/$${name}`;
  const inside = (e) => e && typeof e.path === "string" && (e.path === head || e.path.startsWith(`${head}/`));
  if (!refused.length || !refused.every(inside)) return null;
  return refused.map((e) => ({ ...e, path: base + e.path.slice(head.length) }));
}

/** What the server says of a login it no longer accepts (a mutation's UserError has no extensions). */
const LOGIN_EXPIRED = "登录已失效，请重新登录";

/**
 * The server no longer accepts the login (it expired after some hours, was revoked, or the account was
 * disabled) while the page still shows the user signed in: forget it and go to the login page, which
 * says so and comes back here afterwards.
 */
export function loginExpired() {
  if (!session.token) return;
  session.clear();
  session.lapsed = true;
  window.dispatchEvent(new Event("govhall:session"));
  const here = location.hash.slice(1) || "/";
  location.hash = `#/login?expired=1${here.startsWith("/login") ? "" : `&next=${encodeURIComponent(here)}`}`;
}

/** Runs a query or mutation and returns `data`; any GraphQL error throws a RequestError. */
export async function gql(query, variables = {}) {
  const body = await request(query, variables);
  if (body.errors && body.errors.length) {
    const message = [...new Set(body.errors.map(userMessage))].join("；");
    if (body.errors.some((e) => e.extensions && e.extensions.reason === "LOGIN_EXPIRED")) loginExpired();
    throw new RequestError(message, { errors: body.errors, data: body.data });
  }
  return body.data;
}

/** A union result that is `UserErrors` gives its list of errors; anything else gives null (a login no
 * longer accepted also sends the user to log in again). */
export function userErrorsOf(result) {
  if (result && result.__typename === "UserErrors") {
    if ((result.errors || []).some((e) => e.code === "forbidden" && e.message === LOGIN_EXPIRED)) loginExpired();
    return result.errors || [];
  }
  return null;
}

// --------------------------------------------------------------------------- what the schema offers

let capabilitiesPromise = null;
const typeCache = new Map();

const TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/** Query and mutation field names of the server's schema (introspection, once per page load). */
export function capabilities() {
  if (!capabilitiesPromise) {
    capabilitiesPromise = gql(
      `{ __schema {
          queryType { fields { name args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } } }
          mutationType { fields { name } }
      } }`,
    )
      .then((data) => {
        const queries = new Map(data.__schema.queryType.fields.map((f) => [f.name, f]));
        const mutations = new Set((data.__schema.mutationType?.fields || []).map((f) => f.name));
        return { known: true, queries, mutations };
      })
      .catch(() => ({ known: false, queries: new Map(), mutations: new Set() }));
  }
  return capabilitiesPromise;
}

/** Whether the schema has a query field; when introspection is unavailable, assume it does. */
export async function hasQuery(name) {
  const caps = await capabilities();
  return !caps.known || caps.queries.has(name);
}

export async function hasMutation(name) {
  const caps = await capabilities();
  return !caps.known || caps.mutations.has(name);
}

/** One type's fields (with their argument and type references), or null. */
export async function typeInfo(name) {
  if (!typeCache.has(name)) {
    typeCache.set(
      name,
      gql(
        `query($n: String!) { __type(name: $n) { name kind
            fields { name args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } }
            possibleTypes { name } } }`,
        { n: name },
      )
        .then((d) => d.__type)
        .catch(() => null),
    );
  }
  return typeCache.get(name);
}

/** Unwraps NON_NULL and LIST: `{name, kind, list, nonNull}` of the named type at the bottom. */
export function namedType(ref) {
  let list = false;
  let nonNull = false;
  let t = ref;
  let top = true;
  while (t && (t.kind === "NON_NULL" || t.kind === "LIST")) {
    if (t.kind === "LIST") list = true;
    if (t.kind === "NON_NULL" && top) nonNull = true;
    top = false;
    t = t.ofType;
  }
  return { name: t ? t.name : "", kind: t ? t.kind : "", list, nonNull };
}

/** A type reference written back as GraphQL text (`[Int!]!`). */
export function typeText(ref) {
  if (!ref) return "";
  if (ref.kind === "NON_NULL") return `${typeText(ref.ofType)}!`;
  if (ref.kind === "LIST") return `[${typeText(ref.ofType)}]`;
  return ref.name;
}

// --------------------------------------------------------------------------- showing errors

/** Escapes a JSON pointer for use inside a CSS attribute selector. */
function pathSelector(path) {
  return `[data-path="${CSS.escape(path)}"]`;
}

/** The element inside `root` that shows errors for `path`: the exact one, else the nearest ancestor path. */
export function fieldFor(root, path) {
  if (path === null || path === undefined) return null;
  let p = String(path);
  if (p === "/") p = "";
  for (;;) {
    if (p !== "") {
      const found = root.querySelector(pathSelector(p));
      if (found) return found;
    }
    if (!p) return null;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}

/** Removes every error message shown inside `root`. */
export function clearUserErrors(root) {
  root.querySelectorAll(".field-error").forEach((el) => {
    el.textContent = "";
    el.hidden = true;
  });
  root.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
  root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  root.querySelectorAll(".error-summary").forEach((el) => el.remove());
}

function errorSlot(field) {
  let slot = Array.from(field.children).find((c) => c.classList && c.classList.contains("field-error"));
  if (!slot) {
    slot = document.createElement("div");
    slot.className = "field-error";
    slot.setAttribute("role", "alert");
    field.appendChild(slot);
  }
  return slot;
}

/**
 * Shows every UserError next to its field (by `data-path`), all at once (一次性告知), and a summary at
 * the top of `root` listing them with links to the fields. `prefix` is stripped from paths that start
 * with it (e.g. "/data" when the server reports pointers into the whole request) when no field has the
 * full path. The summary shows the raw path of an error only when no field could show it (or with
 * `showPaths`).
 * Returns the errors no field could show.
 */
export function showUserErrors(root, errors, { prefix = "", summaryTitle = "", showPaths = false } = {}) {
  clearUserErrors(root);
  const unplaced = [];
  const placed = [];
  let firstField = null;
  for (const error of errors) {
    const path = error.path;
    let field = path ? root.querySelector(pathSelector(path)) : null;
    if (!field && prefix && typeof path === "string" && path.startsWith(`${prefix}/`)) {
      field = fieldFor(root, path.slice(prefix.length));
    }
    if (!field) field = fieldFor(root, path);
    if (!field) {
      unplaced.push(error);
      continue;
    }
    const slot = errorSlot(field);
    const line = document.createElement("div");
    line.textContent = error.message;
    slot.appendChild(line);
    slot.hidden = false;
    field.classList.add("has-error");
    const control = field.matches("input, select, textarea")
      ? field
      : field.querySelector(":scope > .control input, :scope > .control select, :scope > .control textarea, :scope > input, :scope > select, :scope > textarea");
    if (control) control.setAttribute("aria-invalid", "true");
    placed.push({ error, field, control });
    if (!firstField) firstField = control || field;
  }
  const summary = document.createElement("div");
  summary.className = "error-summary";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  const title = document.createElement("strong");
  // "to correct" only where an input shows the problem; a refusal nothing typed can fix (an empty waiting
  // line under 叫下一位, a case already handled) is said as what it is
  title.textContent = summaryTitle || (placed.some((p) => p.control) ? `请修改以下 ${errors.length} 处问题：` : "未能完成：");
  summary.appendChild(title);
  const list = document.createElement("ul");
  // in the order the fields appear on the page, then what no field could show
  const ordered = placed
    .slice()
    .sort((a, b) => (a.field === b.field ? 0 : a.field.compareDocumentPosition(b.field) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))
    .map((p) => p.error)
    .concat(unplaced);
  for (const error of ordered) {
    const li = document.createElement("li");
    const hit = placed.find((p) => p.error === error);
    if (hit) {
      const a = document.createElement("a");
      a.href = "#";
      a.textContent = error.message;
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        (hit.control || hit.field).scrollIntoView({ block: "center", behavior: "smooth" });
        if (hit.control) hit.control.focus({ preventScroll: true });
      });
      li.appendChild(a);
    } else {
      li.textContent = error.message;
    }
    if (error.path && (!hit || showPaths)) {
      const code = document.createElement("code");
      code.className = "path";
      code.textContent = error.path;
      li.append(" ", code);
    }
    list.appendChild(li);
  }
  summary.appendChild(list);
  const first = root.firstElementChild;
  if (first && /^H[1-3]$/.test(first.tagName)) first.after(summary);
  else root.prepend(summary);
  return unplaced;
}

// --------------------------------------------------------------------------- banner

/** A message across the top of the page: GraphQL errors, network trouble, notes. */
export function showBanner(message, kind = "error") {
  const host = document.getElementById("banner");
  if (!host) return;
  const box = document.createElement("div");
  box.className = `banner banner-${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  const text = document.createElement("span");
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "banner-close";
  close.setAttribute("aria-label", "关闭");
  close.textContent = "×";
  close.addEventListener("click", () => box.remove());
  box.append(text, close);
  host.replaceChildren(box);
  if (kind !== "error") setTimeout(() => box.remove(), 6000);
}

export function clearBanner() {
  const host = document.getElementById("banner");
  if (host) host.replaceChildren();
}

/** Shows a failed request as a banner; a lost login sends the user to the login page. */
export function reportError(error) {
  if (error instanceof RequestError) {
    if ((error.errors || []).some((e) => e.extensions && e.extensions.reason === "LOGIN_EXPIRED") || error.status === 401) {
      loginExpired(); // the login page says why
      return;
    }
    showBanner(error.message);
    return;
  }
  console.error(error);
  showBanner(`页面出错：${error && error.message ? error.message : error}`);
}
