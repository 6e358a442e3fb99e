// What several views share: the centers (with departments and windows), the chosen center, the
// signed-in user, and a few cached queries.

import { gql, session, typeInfo } from "./graphql.js";

const CENTER_KEY = "govhall.center";
let centersPromise = null;

/** Every center with its departments and windows (public), fetched once per page load. */
export function centers() {
  if (!centersPromise) {
    centersPromise = gql(
      `{ centers { code name plugins parent officeHours departments { code name category } windows { code name kind } } }`,
    )
      .then((d) => d.centers)
      .catch((error) => {
        centersPromise = null;
        throw error;
      });
  }
  return centersPromise;
}

/** After a department or window changed: the next ``centers()`` reads them again. */
export function forgetCenters() {
  centersPromise = null;
  allWindowsPromises.clear();
}

const allWindowsPromises = new Map();

/** Every window of a center, the closed ones (撤销) too, fetched once per page load: old tickets,
 * ratings and figures still name a window closed since (``centers()`` lists the open ones only). */
export function allWindows(centerCode) {
  if (!allWindowsPromises.has(centerCode)) {
    allWindowsPromises.set(centerCode, gql(
      "query($c: String!) { center(code: $c) { windows(includeClosed: true) { code name kind closed } } }", { c: centerCode },
    ).then((d) => (d.center ? d.center.windows : [])).catch((error) => {
      allWindowsPromises.delete(centerCode);
      throw error;
    }));
  }
  return allWindowsPromises.get(centerCode);
}

/** A function giving a window's name from its code, a closed one marked （已撤销）; "" for a code the
 * center does not have. */
export async function windowNamer(centerCode) {
  const windows = await allWindows(centerCode);
  return (code) => {
    const w = windows.find((x) => x.code === code);
    return w ? `${w.name}${w.closed ? "（已撤销）" : ""}` : "";
  };
}

export async function center(code) {
  return (await centers()).find((c) => c.code === code) || null;
}

export async function departmentName(centerCode, deptCode) {
  if (!deptCode) return "";
  const c = await center(centerCode).catch(() => null);
  const d = c && c.departments.find((x) => x.code === deptCode);
  return d ? d.name : deptCode;
}

export const currentCenter = {
  get() {
    return localStorage.getItem(CENTER_KEY) || "";
  },
  set(code) {
    if (code) localStorage.setItem(CENTER_KEY, code);
  },
};

/** Re-reads the signed-in user (`me`); a token the server no longer accepts is dropped. */
export async function refreshMe() {
  if (!session.token) return null;
  try {
    const data = await gql(`{ me { username displayName roles { center role department } } }`);
    if (!data.me) {
      session.clear();
      session.lapsed = true; // a page that needs the login says 登录已失效 (app.js)
      return null;
    }
    session.setUser(data.me);
    return data.me;
  } catch {
    return session.user; // offline or server trouble: keep what we had
  }
}

/**
 * The subset of `wanted` selections whose field exists on `typeName` (by introspection), so a view
 * keeps working while the server is still missing a field. `wanted` items look like
 * "number" or "item { code name }".
 */
export async function existing(typeName, wanted) {
  const info = await typeInfo(typeName);
  if (!info || !info.fields) return wanted.join(" ");
  const names = new Set(info.fields.map((f) => f.name));
  return wanted.filter((w) => names.has(w.trim().split(/[\s{(]/)[0])).join(" ");
}
