// Which material of the item a one-time notice's typed entry (一次性告知) names, matched as the
// server matches it (core/services/notice_names.py), so the clerk is warned before issuing the notice
// of an entry whose upload the applicant's 补齐 cannot be checked against. Both are tested against the
// same vectors (tests/test_notice_names.py). No DOM here: node runs this module in the tests.

// a remark in brackets at the end of a name, once full-width brackets read as half-width ones
const REMARK = /[(\[【][^()\[\]【】]*[)\]】]$/u;
// shorter than this, a name inside another says nothing (证, 件)
const SHORTEST_PART = 2;

/** A material's name as names are compared: NFKC (full-width brackets, letters, spaces as
 * half-width), no spaces, no remarks in brackets at its end. */
export function bareName(name) {
  let text = String(name ?? "").normalize("NFKC").replace(/\s+/gu, "");
  for (;;) {
    const shorter = text.replace(REMARK, "");
    if (shorter === text || !shorter) return text;
    text = shorter;
  }
}

/** The code of the one material of `materials` (the item's list, {code, name}) the typed name
 * names, or null: the same bare name; else the one whose name the entry's contains (the most
 * specific of nested ones); else the one whose name contains the entry's. Two alike are none. */
export function materialForName(name, materials) {
  const bare = bareName(name);
  if (!bare) return null;
  const named = (materials || []).filter((m) => m && m.code != null).map((m) => [String(m.code), bareName(m.name)]);
  const same = named.filter(([, other]) => other === bare);
  if (same.length) return same.length === 1 ? same[0][0] : null;
  const inside = named.filter(([, other]) => [...other].length >= SHORTEST_PART && bare.includes(other));
  const widest = inside.filter(([, other]) => !inside.some(([, o]) => o !== other && o.includes(other)));
  if (widest.length) return widest.length === 1 ? widest[0][0] : null;
  const around = [...bare].length >= SHORTEST_PART ? named.filter(([, other]) => other.includes(bare)) : [];
  return around.length === 1 ? around[0][0] : null;
}

/** What the clerk is told of each entry of the notice being written that asks for an upload (not
 * paper, no file): the material a typed name is taken for, or that it names none (a warning: the
 * notice is issued all the same). [{index, name, code, material}]; `code` null for none. */
export function noticeMatches(missing, materials) {
  const byCode = new Map((materials || []).map((m) => [String(m.code), m]));
  const out = [];
  (missing || []).forEach((entry, index) => {
    if (!entry || !String(entry.name || "").trim() || entry.paper === true || entry.file) return;
    if (entry.code && byCode.has(String(entry.code))) return; // picked from the list: nothing guessed
    const code = materialForName(entry.name, materials);
    out.push({ index, name: String(entry.name).trim(), code, material: code ? byCode.get(code).name : null });
  });
  return out;
}
