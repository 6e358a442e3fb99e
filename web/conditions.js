// When a form field is asked for: the `if`/`then`(/`else`) conditions of an object schema (the form,
// a fieldset, a table's row), read as the form reads them. The server drops the answers of the
// fields these hide (core/services/form_conditions.py); both are tested against the same vectors
// (tests/test_form_conditions.py). No DOM here: node runs this module in the tests.

/** Whether `value` (an object's answers) meets a condition: `{properties: {x: {const | enum |
 * contains}}, required}`; a property without an answer is not checked, as in JSON Schema. */
export function matchesIf(cond, value) {
  if (!cond || typeof cond !== "object") return false;
  const v = value && typeof value === "object" ? value : {};
  for (const key of cond.required || []) if (v[key] === undefined) return false;
  for (const [key, sub] of Object.entries(cond.properties || {})) {
    if (v[key] === undefined || !sub || typeof sub !== "object") continue;
    if ("const" in sub && v[key] !== sub.const) return false;
    if (Array.isArray(sub.enum) && !sub.enum.includes(v[key])) return false;
    if (sub.contains && typeof sub.contains === "object") {
      const list = Array.isArray(v[key]) ? v[key] : [];
      if (!list.some((x) => matchesValue(x, sub.contains))) return false;
    }
  }
  return true;
}

/** One value against `{const}` / `{enum}` (the `contains` of a condition). */
function matchesValue(x, sub) {
  if ("const" in sub && x !== sub.const) return false;
  if (Array.isArray(sub.enum) && !sub.enum.includes(x)) return false;
  return true;
}

/** The if/then(/else) pairs of an object schema: itself and its `allOf`. */
export function conditionsOf(schema) {
  const found = [];
  if (schema.if) found.push(schema);
  for (const sub of schema.allOf || []) if (sub && sub.if) found.push(sub);
  return found;
}

/**
 * Fields shown only while a condition holds: required by a `then`, not required otherwise, not named
 * by any `if` or `else`. Maps each such property name to the conditions that show it.
 */
export function conditionalFields(schema) {
  const base = new Set(Array.isArray(schema.required) ? schema.required : []);
  const excluded = new Set(base);
  const shows = new Map();
  for (const c of conditionsOf(schema)) {
    for (const name of Object.keys((c.if && c.if.properties) || {})) excluded.add(name);
    if (c.else) {
      for (const name of c.else.required || []) excluded.add(name);
      for (const name of Object.keys(c.else.properties || {})) excluded.add(name);
    }
  }
  for (const c of conditionsOf(schema)) {
    for (const name of (c.then && c.then.required) || []) {
      if (excluded.has(name)) continue;
      if (!shows.has(name)) shows.set(name, []);
      shows.get(name).push(c);
    }
  }
  return shows;
}

/** The format each property has right now: its own, or that of the matching `then`/`else` branch. */
export function activeFormats(schema, value) {
  const formats = new Map();
  for (const [name, sub] of Object.entries(schema.properties || {})) if (sub && sub.format) formats.set(name, sub.format);
  for (const c of conditionsOf(schema)) {
    const branch = matchesIf(c.if, value) ? c.then : c.else;
    for (const [name, sub] of Object.entries((branch && branch.properties) || {})) {
      if (sub && typeof sub.format === "string") formats.set(name, sub.format);
    }
  }
  return formats;
}

/** The property names required right now: `required`, plus what matching if/then (or else) adds. */
export function activeRequired(schema, value) {
  const names = new Set(Array.isArray(schema.required) ? schema.required : []);
  for (const c of conditionsOf(schema)) {
    const branch = matchesIf(c.if, value) ? c.then : c.else;
    if (branch && Array.isArray(branch.required)) branch.required.forEach((n) => names.add(n));
  }
  return names;
}

/**
 * The fields of an object schema hidden for `value`: each conditional field (conditionalFields) none
 * of whose conditions holds. The conditions read the other answers only: a conditional field's own
 * answer never shows or hides a field.
 */
export function hiddenFields(schema, value) {
  const shows = conditionalFields(schema);
  const others = Object.create(null); // no inherited keys (`constructor`) for a condition to read
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [name, v] of Object.entries(value)) if (!shows.has(name) && v !== undefined) others[name] = v;
  }
  return [...shows.keys()].filter((name) => !shows.get(name).some((c) => matchesIf(c.if, others)));
}
