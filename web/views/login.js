// 登录
import { gql, session, showUserErrors, clearUserErrors, userErrorsOf } from "../graphql.js";
import { h, field, hasRole, WORK_ROLES, SUPERVISION_ROLES, CONFIG_ROLES } from "../ui.js";

/** Where a user lands after login: staff at the workbench, supervisors at the board, others in the hall. */
export function defaultRoute(user) {
  if (!user) return "/hall";
  if (hasRole(user, WORK_ROLES.filter((r) => r !== "supervisor"))) return "/work";
  if (hasRole(user, SUPERVISION_ROLES)) return "/supervision";
  if (hasRole(user, CONFIG_ROLES)) return "/config";
  return "/hall";
}

export async function loginView({ page, query }) {
  const username = h("input", { type: "text", name: "username", autocomplete: "username", required: true, autocapitalize: "off", spellcheck: "false", maxlength: 64 });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "登录");
  const form = h("form", { class: "login-form", novalidate: true },
    field("用户名", username, { path: "/username", required: true }),
    field("密码", password, { path: "/password", required: true }),
    submit,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearUserErrors(form);
    const local = [];
    if (!username.value.trim()) local.push({ path: "/username", code: "required", message: "请填写用户名" });
    if (!password.value) local.push({ path: "/password", code: "required", message: "请填写密码" });
    if (local.length) {
      showUserErrors(form, local);
      return;
    }
    submit.disabled = true;
    submit.textContent = "正在登录…";
    try {
      const data = await gql(
        `mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
            __typename
            ... on LoginSuccess { token user { username displayName roles { center role department } } }
            ... on UserErrors { errors { path code message } }
        } }`,
        { u: username.value.trim(), p: password.value },
      );
      const errors = userErrorsOf(data.login);
      if (errors) {
        showUserErrors(form, errors, { summaryTitle: "登录未成功：" });
        return;
      }
      session.save(data.login.token, data.login.user);
      window.dispatchEvent(new Event("govhall:session"));
      const next = query.get("next");
      location.hash = next && next.startsWith("/") && !next.startsWith("/login") ? `#${next}` : `#${defaultRoute(data.login.user)}`;
    } catch (error) {
      showUserErrors(form, [{ path: null, code: "error", message: error.message }], { summaryTitle: "登录未成功：" });
    } finally {
      submit.disabled = false;
      submit.textContent = "登录";
    }
  });
  page.append(
    h("div", { class: "login-box card" },
      h("h1", null, "登录"),
      h("p", { class: "muted" }, "办事群众、企业和窗口工作人员请使用本人账号登录。"),
      query.get("expired") && !session.user
        ? h("p", { class: "note note-error", id: "login-expired", role: "alert" }, "登录已失效（登录超过一定时间或已在别处退出），请重新登录，登录后回到您刚才的页面。")
        : null,
      session.user ? h("p", { class: "note note-info" }, `当前已登录：${session.user.displayName || session.user.username}。重新登录将切换账号。`) : null,
      form,
      // visitors who filed at the window, or hold someone's receipt: no account needed to follow a case
      session.user ? null : h("p", { class: "login-progress", id: "login-progress" }, "在窗口办理、没有账号？",
        h("a", { href: "#/progress" }, "凭受理编号查询办件进度")),
    ),
  );
  username.focus();
}
