// The head's review page: the total and result of the head's points, live as they change,
// and a warning before a result below the title is confirmed. Without this script the server
// shows the same total on load and asks for the same confirmation on "Xác nhận".
//
// A decision is sent in place: the server answers with the next waiting form of the queue
// (asked with then=next) or the queue itself, and that page replaces this one's content
// without a full reload; "Tiếp theo" opens the next form the same way. Without fetch, or
// when the answer is not one of these pages, the browser simply goes there.
import { score } from "./scoring.js";

function readCriteria() {
  const dataBlock = document.getElementById("review-criteria");
  if (!dataBlock) return null;
  try {
    return JSON.parse(dataBlock.textContent);
  } catch (_error) {
    return null;
  }
}

function headPoints(form, criteriaSet) {
  const points = {};
  for (const crit of criteriaSet.criteria) {
    for (const index of crit.indices) {
      const select = form.elements.namedItem(`points_${index.code}`);
      const value = select ? select.value : "";
      points[index.code] = value === "" ? null : (criteriaSet.answer_kind === "boolean" ? value === "1" : Number(value));
    }
  }
  return points;
}

function show(result) {
  const live = document.getElementById("review-live");
  live.querySelector('[data-live="total"]').textContent = String(result.total);
  const verdict = live.querySelector('[data-live="verdict"]');
  verdict.textContent = result.achieved ? "Đạt danh hiệu" : "Chưa đạt danh hiệu";
  verdict.className = `badge ${result.achieved ? "ok" : "bad"}`;
  const button = document.querySelector("[data-confirm-button]");
  button.textContent = result.achieved ? "Xác nhận" : "Xác nhận chưa đạt";
  button.classList.toggle("danger", !result.achieved);
}

function warnBelowTitle(form, criteriaSet) {
  const button = document.querySelector("[data-confirm-button]");
  button.addEventListener("click", (event) => {
    const result = score(criteriaSet, headPoints(form, criteriaSet));
    if (result.achieved) {
      button.value = "confirm";
      return;
    }
    const total = criteriaSet.answer_kind === "boolean" ? `${result.total} chỉ số đạt` : `tổng ${result.total} điểm`;
    const question = `Theo điểm xác nhận, phiếu của ${form.dataset.member} chưa đạt danh hiệu `
      + `(${total}). Bạn vẫn xác nhận kết quả “chưa đạt”?`;
    if (window.confirm(question)) {
      button.value = "confirm_below"; // the server then does not ask a second time
    } else {
      event.preventDefault();
    }
  });
}

// -- in place ------------------------------------------------------------------------------

const inPlace = "fetch" in window && "DOMParser" in window;
let busy = false;

// Put the page's content (and its criteria data) in place of this one's; false when the
// answer is no review or queue page, so the caller lets the browser go there instead.
function replacePage(html, url, push) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const main = doc.getElementById("main");
  if (!main || !main.querySelector(".review-page")) return false;
  document.getElementById("main").replaceWith(document.adoptNode(main));
  const oldData = document.getElementById("review-criteria");
  const newData = doc.getElementById("review-criteria");
  if (oldData) oldData.remove();
  if (newData) document.body.append(document.adoptNode(newData));
  document.title = doc.title;
  if (push && url !== window.location.href) window.history.pushState({ inPlace: true }, "", url);
  window.scrollTo(0, 0);
  const heading = document.querySelector("#main h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  setUp();
  return true;
}

async function go(url, options, push) {
  if (busy) return;
  busy = true;
  document.body.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(url, { credentials: "same-origin", ...options });
    const html = await response.text();
    if (!replacePage(html, response.url, push)) window.location.assign(response.url);
  } catch (_error) {
    window.location.assign(url); // no network answer: let the browser try and say why
  } finally {
    busy = false;
    document.body.removeAttribute("aria-busy");
  }
}

function sendInPlace(form) {
  form.addEventListener("submit", (event) => {
    if (event.defaultPrevented || busy) return;
    event.preventDefault();
    const body = new FormData(form);
    const button = event.submitter;
    if (button && button.name) body.set(button.name, button.value);
    body.set("then", "next");
    // form.action would be the buttons named "action"; the attribute is the address.
    go(form.getAttribute("action") || window.location.href, { method: "POST", body }, true);
  });
}

function setUp() {
  const form = document.getElementById("review-form");
  const criteriaSet = readCriteria();
  if (!form || !criteriaSet) return;
  form.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.startsWith("points_")) show(score(criteriaSet, headPoints(form, criteriaSet)));
  });
  show(score(criteriaSet, headPoints(form, criteriaSet)));
  warnBelowTitle(form, criteriaSet);
  if (inPlace) sendInPlace(form);
}

if (inPlace) {
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-in-place]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    go(link.href, {}, true);
  });
  // Back and Forward between forms opened in place (marked entries only: a "#…" link is not one).
  window.history.replaceState({ inPlace: true }, "");
  window.addEventListener("popstate", (event) => {
    if (event.state && event.state.inPlace) go(window.location.href, {}, false);
  });
}
setUp();
