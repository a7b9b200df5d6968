// Offline layer of the assessment form (loaded by templates/pwa/_form_scripts.html).
//
// - every change is kept in IndexedDB at once (debounced) and sent to the server as a draft
//   when there is a network;
// - on load, answers on the phone that the server page does not show yet are put back;
// - "Gửi phiếu" goes through a queue with a client_id made once per attempt, replayed on
//   load, when the network returns, and by Background Sync; the server applies it once.
import "./store.js";
import { isFieldName, readForm, writeForm } from "./form-fields.js";
import { beforeReload } from "./reload.js";

const store = self.CDHTStore;
const LOCAL_DELAY_MS = 300;
const SERVER_DELAY_MS = 2000;

const form = document.getElementById("assessment-form");
const statusBox = document.getElementById("offline-status");

const TEXT = {
  local: "Đã lưu trên máy",
  localOffline: "Không có mạng: đã lưu trên máy. Câu trả lời sẽ được lưu lên máy chủ khi có mạng.",
  server: "Đã lưu lên máy chủ",
  restored: "Đã khôi phục câu trả lời lưu trên máy lần trước.",
  waiting: (n) => `Đang chờ gửi: ${n} phiếu. Phiếu sẽ tự gửi khi có mạng, bạn không cần làm gì thêm.`,
  sent: "Đã gửi",
  login: "Phiên đăng nhập đã hết. Câu trả lời vẫn lưu trên máy; hãy đăng nhập lại để gửi.",
  loginLink: "Đăng nhập lại",
  missing: (codes) => `Còn chỉ số chưa chọn mức: ${codes.join(", ")}. Hãy chọn đủ rồi bấm “Gửi phiếu”.`,
  noStorage: "Trình duyệt này không lưu được trên máy; hãy giữ mạng khi làm phiếu.",
};

function timeNow() {
  return new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
}

function show(message, { tone = "info", link = null } = {}) {
  if (!statusBox) return;
  statusBox.hidden = false;
  statusBox.className = `offline-status offline-${tone}`;
  statusBox.setAttribute("role", tone === "error" ? "alert" : "status");
  statusBox.textContent = message;
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    a.className = "button";
    statusBox.append(" ", a);
  }
}

let restoring = false;

function collect() {
  return readForm(form);
}

function apply(saved) {
  restoring = true;
  try {
    writeForm(form, saved);
  } finally {
    restoring = false;
  }
}

function same(a, b) {
  return JSON.stringify(a.answers) === JSON.stringify(b.answers) &&
    JSON.stringify(a.notes) === JSON.stringify(b.notes);
}

// Local and server saving ------------------------------------------------------------------

const assessmentId = String(form ? form.dataset.assessmentId : "");
const apiBase = form ? form.dataset.apiBase : "";
const statusUrl = form ? form.dataset.statusUrl : "/";
const renderedAt = Number(statusBox && statusBox.dataset.renderedAt) || 0;
const loginUrl = (statusBox && statusBox.dataset.loginUrl) || "/login";

let draft = null; // what IndexedDB holds for this assessment
let localTimer = null;
let serverTimer = null;
let serverClosed = false; // the server refused drafts (head acted): stop sending them
let askedPersistence = false;

async function saveLocal() {
  clearTimeout(localTimer);
  localTimer = null;
  const current = collect();
  const rev = ((draft && draft.rev) || 0) + 1;
  draft = {
    assessment_id: assessmentId,
    answers: current.answers,
    notes: current.notes,
    rev,
    synced_rev: draft ? draft.synced_rev : 0,
    synced_server_at: (draft && draft.synced_server_at) || 0,
    base_rendered_at: Math.max(renderedAt, (draft && draft.base_rendered_at) || 0),
    saved_at: Date.now(),
  };
  await store.putDraft(draft);
  return draft;
}

function dirty() {
  return Boolean(draft) && draft.rev !== draft.synced_rev;
}

function putDraft() {
  return store.sendJson(`${apiBase}/draft`, "PUT", { answers: draft.answers, notes: draft.notes });
}

// Returns true when the server holds the draft.
async function saveServer({ announce = true } = {}) {
  clearTimeout(serverTimer);
  serverTimer = null;
  if (localTimer) await saveLocal();
  if (!draft || serverClosed) return false;
  if (!navigator.onLine) {
    if (announce) show(`${TEXT.localOffline} (${timeNow()})`);
    return false;
  }
  const rev = draft.rev;
  let response;
  try {
    response = await putDraft();
  } catch (_error) {
    if (announce) show(`${TEXT.local} (${timeNow()})`);
    return false;
  }
  if (response.ok) {
    const body = await response.json().catch(() => ({}));
    await store.markSynced(assessmentId, rev, body.saved_at);
    if (draft.rev === rev) {
      draft.synced_rev = rev;
      draft.synced_server_at = body.saved_at || 0;
    }
    if (announce) show(`${TEXT.server} (${timeNow()})`, { tone: "ok" });
    return true;
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    show(TEXT.login, { tone: "error", link: { href: loginUrl, text: TEXT.loginLink } });
  } else if (response.status === 409 || response.status === 422) {
    if (response.status === 409) serverClosed = true;
    show(body.message || TEXT.local, { tone: "error" });
  } else if (announce) {
    show(`${TEXT.local} (${timeNow()})`);
  }
  return false;
}

function onEdit(event) {
  if (restoring || !isFieldName(event.target.name)) return;
  if (!askedPersistence && navigator.storage && navigator.storage.persist) {
    askedPersistence = true; // keep the answers even when the phone runs short of space
    navigator.storage.persist().catch(() => undefined);
  }
  clearTimeout(localTimer);
  localTimer = setTimeout(() => {
    saveLocal().then(() => show(`${TEXT.local} (${timeNow()})`)).catch(() => show(TEXT.noStorage));
  }, LOCAL_DELAY_MS);
  clearTimeout(serverTimer);
  serverTimer = setTimeout(() => saveServer({ announce: true }), SERVER_DELAY_MS);
}

async function flush() {
  if (localTimer) await saveLocal();
}

// Submitting through the queue --------------------------------------------------------------

let retryTimer = null;

async function showQueue() {
  const waiting = await store.queued();
  if (waiting.length === 0) return waiting;
  if (waiting.some((item) => item.state === "login")) {
    show(TEXT.login, { tone: "error", link: { href: loginUrl, text: TEXT.loginLink } });
  } else {
    show(TEXT.waiting(waiting.length), { tone: "wait" });
  }
  clearTimeout(retryTimer);
  const next = Math.min(...waiting.map((item) => item.next_try_at || 0));
  if (Number.isFinite(next) && next > Date.now()) {
    retryTimer = setTimeout(() => replayNow(false), next - Date.now() + 50);
  }
  return waiting;
}

function handle(results) {
  for (const result of results) {
    if (String(result.assessment_id || (result.item && result.item.assessment_id)) !== assessmentId) {
      continue;
    }
    const body = result.body || {};
    if (result.kind === "sent") {
      draft = null;
      show(TEXT.sent, { tone: "ok" });
      location.assign(body.status_url || statusUrl);
      return true;
    }
    if (result.kind === "rejected") {
      show(body.message || "Máy chủ không nhận phiếu.", { tone: "error" });
      return true;
    }
  }
  return false;
}

let replaying = false;

async function replayNow(force = true) {
  if (replaying) return;
  replaying = true;
  try {
    const results = await store.replay({ force });
    if (!handle(results)) await showQueue();
  } finally {
    replaying = false;
  }
}

function missingCodes(answers) {
  return Object.entries(answers).filter(([, value]) => value === null).map(([code]) => code);
}

async function submitThroughQueue(button) {
  await saveLocal();
  const missing = missingCodes(draft.answers);
  if (missing.length) {
    show(TEXT.missing(missing), { tone: "error" });
    const first = document.getElementById(`index-${missing[0]}`);
    if (first && first.offsetParent !== null) first.scrollIntoView({ block: "center" });
    return;
  }
  await store.enqueue({
    client_id: store.uuid(), // once per attempt: a replay of it is applied once
    assessment_id: assessmentId,
    answers: draft.answers,
    notes: draft.notes,
    queued_at: Date.now(),
  });
  await registerSync();
  if (button) button.disabled = true;
  try {
    await replayNow(true);
  } finally {
    if (button) button.disabled = false;
  }
}

async function registerSync() {
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register("cdht-submit");
  } catch (_error) {
    // no Background Sync here: the page replays on load and when the network returns
  }
}

function onSubmit(event) {
  const action = event.submitter ? event.submitter.value : "save";
  event.preventDefault();
  if (action === "submit") {
    submitThroughQueue(event.submitter).catch(() => show(TEXT.noStorage, { tone: "error" }));
  } else {
    saveLocal()
      .then(() => saveServer({ announce: true }))
      .catch(() => show(TEXT.noStorage, { tone: "error" }));
  }
}

// Start ----------------------------------------------------------------------------------

async function start() {
  const actions = form.querySelector(".form-actions");
  if (statusBox && actions) actions.before(statusBox);

  draft = (await store.getDraft(assessmentId)) || null;
  if (draft) {
    // Put the phone's answers back when the server has not got them, or when this page was
    // rendered before they were made or saved (a copy cached earlier). Both times are the
    // server's clock, so a phone set to the wrong time changes nothing.
    const newest = Math.max(draft.base_rendered_at || 0, draft.synced_server_at || 0);
    const restore = dirty() || renderedAt <= newest;
    if (restore && !same(draft, collect())) {
      apply(draft);
      show(TEXT.restored);
    }
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", onSubmit);
  beforeReload(flush);
  window.addEventListener("pagehide", () => { flush(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("online", () => {
    replayNow(true);
    if (dirty()) saveServer({ announce: true });
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "REPLAYED" && !handle(event.data.results)) showQueue();
    });
  }
  const waiting = await store.queued();
  if (waiting.length) await replayNow(true);
  else if (dirty() && navigator.onLine) await saveServer({ announce: true });
}

if (form && store && "indexedDB" in self) {
  start().catch(() => show(TEXT.noStorage));
}
