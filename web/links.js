// Signed download links (文书 PDF, 材料: `…?sig=`) open a file for a few minutes only, so a page left
// open longer (a phone put away, another app in front) would offer links that answer 下载链接已过期,
// and again after 回到页面重新打开. Every signed link on the page is signed again (`downloadLinks`, one
// request) when the page comes back into view and every few minutes while it is shown; a click on a
// link while that is overdue or under way waits for the new link.
import { gql, session, hasQuery } from "./graphql.js";

const EVERY = 4 * 60 * 1000; // the server's links last 5 minutes
const SIGNED = 'a[href*="?sig="]';

let renewedAt = Date.now(); // links drawn since are younger than this renewal's next turn
let running = null;

/** Signs every signed link of the page again; resolves when their hrefs are new (or nothing to do). */
export function renewLinks() {
  if (running) return running;
  running = (async () => {
    try {
      const links = [...document.querySelectorAll(SIGNED)];
      if (links.length && session.token && (await hasQuery("downloadLinks"))) {
        const data = await gql("query($u: [String!]!) { downloadLinks(urls: $u) }", { u: links.map((a) => a.getAttribute("href")) });
        data.downloadLinks.forEach((url, i) => links[i].setAttribute("href", url));
      }
      renewedAt = Date.now();
    } catch {
      /* offline or signed out: the next turn tries again */
    } finally {
      running = null;
    }
  })();
  return running;
}

const overdue = () => Date.now() - renewedAt > EVERY + 30 * 1000;

/** Keeps the page's signed links usable: on showing again, every few minutes, and at the click. */
export function keepLinksFresh() {
  setInterval(() => { if (document.visibilityState === "visible") renewLinks(); }, EVERY);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible" && Date.now() - renewedAt > 30 * 1000) renewLinks(); });
  window.addEventListener("pageshow", (ev) => { if (ev.persisted) renewLinks(); }); // back from another page, kept in memory
  document.addEventListener("click", async (ev) => {
    const link = ev.target instanceof Element ? ev.target.closest(SIGNED) : null;
    if (!link || !(running || overdue()) || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    const opened = link.target === "_blank" ? window.open("", "_blank") : null; // opened now, while the tap still counts
    await renewLinks();
    const url = link.getAttribute("href");
    if (opened) {
      opened.opener = null;
      opened.location.replace(url);
    } else location.assign(url);
  }, true);
}
