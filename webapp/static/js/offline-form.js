// Offline layer of the assessment form (loaded by templates/pwa/_form_scripts.html).
//
// - every change is kept in IndexedDB at once (debounced) and sent to the server as a draft
//   when there is a network;
// - on load, answers on the phone that the server page does not show yet are put back;
// - "Gửi phiếu" goes through a queue with a client_id made once per attempt, replayed on
//   load, when the network returns, and by Background Sync; the server applies it once;
// - while a submission waits in the queue the form is locked under a banner; "Sửa lại"
//   withdraws it first, so an edit is never made on answers that are about to be sent;
// - status, error and autosave messages each have their own place (none hides another);
// - a page shown again (Back, a cached copy) asks the server whether the form was sent.
import "./store.js";
import {
  isFieldName, lockFields, readForm, unanswered, withoutEvidence, writeForm,
} from "./form-fields.js";
import { beforeReload } from "./reload.js";

const store = self.CDHTStore;
const LOCAL_DELAY_MS = 300;
const SERVER_DELAY_MS = 2000;
// webapp/assessments/operations.py EDITABLE: the statuses in which the member edits the form.
const EDITABLE = new Set(["draft", "returned"]);

const form = document.getElementById("assessment-form");
const messages = document.getElementById("offline-status");
const banner = document.getElementById("queue-banner");

const TEXT = {
  local: "Đã lưu trên máy",
  localOffline: "Không có mạng: đã lưu trên máy. Câu trả lời sẽ được lưu lên máy chủ khi có mạng.",
  server: "Đã lưu lên máy chủ",
  restored: "Đã khôi phục câu trả lời lưu trên máy lần trước.",
  withdrawn: "Đã rút phiếu khỏi hàng gửi. Sửa xong, bấm “Gửi phiếu” để gửi lại.",
  sent: "Đã gửi",
  sentBadge: "Đã gửi",
  submitted: (label) => (label
    ? `Phiếu đã được gửi. Trạng thái hiện tại: ${label}. Trang này không còn sửa được phiếu.`
    : "Phiếu đã được gửi từ máy này. Trang này không còn sửa được phiếu."),
  statusLink: "Xem trạng thái phiếu",
  login: "Phiên đăng nhập đã hết. Câu trả lời vẫn lưu trên máy; hãy đăng nhập lại để gửi.",
  loginLink: "Đăng nhập lại",
  missing: (codes) => `Còn chỉ số chưa chọn mức: ${codes.join(", ")}. Hãy chọn đủ rồi bấm “Gửi phiếu”.`,
  evidence: (codes) => `Chỉ số ${codes.join(", ")} cần ghi minh chứng. Hãy ghi rồi bấm “Gửi phiếu”.`,
  refused: "Máy chủ không nhận phiếu.",
  noStorage: "Trình duyệt này không lưu được trên máy; hãy giữ mạng khi làm phiếu.",
};

// Messages ---------------------------------------------------------------------------------

const places = {};
for (const place of ["status", "error", "autosave"]) {
  places[place] = messages ? messages.querySelector(`[data-message="${place}"]`) : null;
}
let errorKind = null; // what the error place says now: "missing", "evidence", "login", ...

function timeNow() {
  return new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
}

function say(place, message, { tone = "info", link = null, kind = null } = {}) {
  const box = places[place];
  if (!box) return;
  box.hidden = false;
  box.dataset.tone = tone;
  box.textContent = message;
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    a.className = "button";
    box.append(" ", a);
  }
  if (place === "error") errorKind = kind;
}

function clear(place, kinds = null) {
  const box = places[place];
  if (!box || (place === "error" && kinds && !kinds.includes(errorKind))) return;
  box.hidden = true;
  box.textContent = "";
  if (place === "error") errorKind = null;
}

// Ask the step UI (assess-form.js) to show an index that is on a hidden step.
function reveal(code) {
  const item = document.getElementById(`index-${code}`);
  if (item) item.dispatchEvent(new CustomEvent("cdht:reveal", { bubbles: true }));
}

// Fields -----------------------------------------------------------------------------------

let restoring = false;

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
const renderedAt = Number(messages && messages.dataset.renderedAt) || 0;
const loginUrl = (messages && messages.dataset.loginUrl) || "/login";

let draft = null; // what IndexedDB holds for this assessment
let localTimer = null;
let serverTimer = null;
let serverClosed = false; // the server refused drafts (head acted, or sent): stop sending them
let askedPersistence = false;

async function saveLocal() {
  clearTimeout(localTimer);
  localTimer = null;
  const current = readForm(form);
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

function sayLogin() {
  say("error", TEXT.login, { tone: "error", kind: "login", link: { href: loginUrl, text: TEXT.loginLink } });
}

// Returns true when the server holds the draft.
async function saveServer() {
  clearTimeout(serverTimer);
  serverTimer = null;
  if (localTimer) await saveLocal();
  if (!draft || serverClosed) return false;
  if (!navigator.onLine) {
    say("autosave", `${TEXT.localOffline} (${timeNow()})`);
    return false;
  }
  const rev = draft.rev;
  let response;
  try {
    response = await store.sendJson(`${apiBase}/draft`, "PUT", { answers: draft.answers, notes: draft.notes });
  } catch (_error) {
    say("autosave", `${TEXT.local} (${timeNow()})`);
    return false;
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    await store.markSynced(assessmentId, rev, body.saved_at);
    if (draft.rev === rev) {
      draft.synced_rev = rev;
      draft.synced_server_at = body.saved_at || 0;
    }
    clear("error", ["login"]);
    say("autosave", `${TEXT.server} (${timeNow()})`, { tone: "ok" });
    return true;
  }
  if (response.status === 401) {
    sayLogin();
  } else if (response.status === 409 || response.status === 422) {
    if (response.status === 409) serverClosed = true;
    say("error", body.message || TEXT.refused, { tone: "error", kind: "server" });
  }
  say("autosave", `${TEXT.local} (${timeNow()})`);
  return false;
}

// A missing answer or note the member has since filled in no longer needs its error.
function recheckSubmitErrors() {
  if (errorKind !== "missing" && errorKind !== "evidence") return;
  const fields = readForm(form);
  const left = errorKind === "missing" ? unanswered(fields) : withoutEvidence(form, fields);
  if (left.length === 0) clear("error");
  else say("error", TEXT[errorKind](left), { tone: "error", kind: errorKind });
}

function onEdit(event) {
  if (restoring || locked || !isFieldName(event.target.name)) return;
  if (!askedPersistence && navigator.storage && navigator.storage.persist) {
    askedPersistence = true; // keep the answers even when the phone runs short of space
    navigator.storage.persist().catch(() => undefined);
  }
  recheckSubmitErrors();
  clearTimeout(localTimer);
  localTimer = setTimeout(() => {
    saveLocal()
      .then(() => say("autosave", `${TEXT.local} (${timeNow()})`))
      .catch(() => say("error", TEXT.noStorage, { tone: "error", kind: "storage" }));
  }, LOCAL_DELAY_MS);
  clearTimeout(serverTimer);
  serverTimer = setTimeout(saveServer, SERVER_DELAY_MS);
}

async function flush() {
  if (localTimer) await saveLocal();
}

// Locked states: queued, or already sent ----------------------------------------------------

let locked = false;

function setLocked(value) {
  locked = value;
  lockFields(form, value);
  const actions = form.querySelector(".form-actions");
  if (actions) actions.hidden = value;
}

function showQueued(waiting) {
  setLocked(true);
  banner.hidden = false;
  if (waiting.some((item) => item.state === "login")) sayLogin();
}

function unlock() {
  banner.hidden = true;
  setLocked(false);
}

function showSubmitted(body) {
  clearTimeout(localTimer);
  clearTimeout(serverTimer);
  serverClosed = true;
  banner.hidden = true;
  setLocked(true);
  apply({ answers: body.answers || {}, notes: body.notes || {} });
  const badge = document.querySelector("[data-status-badge]");
  if (badge) {
    badge.textContent = body.status_label || TEXT.sentBadge;
    badge.className = `badge ${body.status}`;
  }
  clear("autosave");
  clear("error");
  say("status", TEXT.submitted(body.status_label), { tone: "ok", link: { href: statusUrl, text: TEXT.statusLink } });
}

// Whether the server moved the form on since this page was made (sent from another tab, the
// queue, or the page is a copy shown again through Back). Quiet when offline.
async function recheckStatus() {
  let response;
  try {
    response = await store.getJson(apiBase);
  } catch (_error) {
    return;
  }
  if (response.status === 401) sayLogin();
  if (!response.ok) return;
  const body = await response.json().catch(() => null);
  if (!body || !body.status) return;
  if (!EDITABLE.has(body.status)) showSubmitted(body);
  else if (body.status !== form.dataset.status) location.reload(); // e.g. returned meanwhile
}

// Submitting through the queue --------------------------------------------------------------

let retryTimer = null;

async function showQueue() {
  const waiting = await store.queued(assessmentId);
  if (waiting.length === 0) return waiting;
  showQueued(waiting);
  clearTimeout(retryTimer);
  const next = Math.min(...waiting.map((item) => item.next_try_at || 0));
  if (Number.isFinite(next) && next > Date.now()) {
    retryTimer = setTimeout(() => replayNow(false), next - Date.now() + 50);
  }
  return waiting;
}

// The queue no longer holds this form although this page is locked: another tab or the
// worker sent (or had it refused) meanwhile. The server says which.
async function afterQueueChange() {
  const left = await showQueue();
  if (left.length || !locked || serverClosed) return;
  await recheckStatus();
  if (!serverClosed) unlock();
}

// Match the lock to the queue, which other tabs and the worker change too.
async function syncQueueState() {
  if (serverClosed) return;
  const waiting = await store.queued(assessmentId);
  // The status check runs beside this one (pageshow): once it found the form sent, the lock
  // it set must stay, whatever the local queue says.
  if (serverClosed) return;
  if (waiting.length && !locked) {
    await flush();
    apply(waiting[waiting.length - 1]); // the screen shows what is about to be sent
  }
  if (waiting.length) await showQueue();
  else if (locked) unlock();
}

function handle(results) {
  for (const result of results) {
    if (String(result.assessment_id || (result.item && result.item.assessment_id)) !== assessmentId) {
      continue;
    }
    const body = result.body || {};
    if (result.kind === "sent") {
      draft = null;
      serverClosed = true;
      say("status", TEXT.sent, { tone: "ok" });
      location.assign(body.status_url || statusUrl);
      return true;
    }
    if (result.kind === "rejected") {
      unlock();
      say("error", body.message || TEXT.refused, { tone: "error", kind: "server" });
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
    if (!handle(results)) await afterQueueChange();
  } finally {
    replaying = false;
  }
}

function refuseSubmit(kind, codes) {
  say("error", TEXT[kind](codes), { tone: "error", kind });
  reveal(codes[0]);
}

async function submitThroughQueue() {
  await saveLocal();
  const missing = unanswered(draft);
  if (missing.length) return refuseSubmit("missing", missing);
  const noEvidence = withoutEvidence(form, draft);
  if (noEvidence.length) return refuseSubmit("evidence", noEvidence);
  clearTimeout(serverTimer);
  await store.enqueue({
    client_id: store.uuid(), // once per attempt: a replay of it is applied once
    assessment_id: assessmentId,
    answers: draft.answers,
    notes: draft.notes,
    queued_at: Date.now(),
  });
  clear("error");
  clear("status");
  showQueued([]);
  banner.scrollIntoView({ block: "center" });
  await registerSync();
  await replayNow(true);
}

// "Sửa lại": withdraw the queued submission, then edit. If it was sent (or refused) meanwhile,
// nothing is withdrawn and the server's answer says what happened.
async function withdrawQueued(button) {
  button.disabled = true;
  try {
    const withdrawn = await store.withdraw(assessmentId);
    if (withdrawn.length) {
      unlock();
      clear("error", ["login"]);
      say("status", TEXT.withdrawn);
    } else {
      await recheckStatus();
      if (!(await store.queued(assessmentId)).length && !serverClosed) unlock();
    }
  } finally {
    button.disabled = false;
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
  if (locked) return;
  const work = action === "submit" ? submitThroughQueue() : saveLocal().then(saveServer);
  work.catch(() => say("error", TEXT.noStorage, { tone: "error", kind: "storage" }));
}

// Start ----------------------------------------------------------------------------------

// The form was sent from this phone. This page is a copy from before (offline Back): say so.
// A page rendered later (the form was withdrawn or returned since) forgets the note.
async function sentEarlier() {
  if (!draft || !draft.sent) return false;
  const { sent, base_rendered_at: base } = draft;
  draft = null;
  if (renderedAt > (base || 0)) {
    await store.deleteDraft(assessmentId);
    return false;
  }
  showSubmitted({ status: "submitted", status_label: null, answers: sent.answers, notes: sent.notes });
  return true;
}

async function start() {
  draft = (await store.getDraft(assessmentId)) || null;
  const waiting = await store.queued(assessmentId);
  if (await sentEarlier()) {
    // locked; the server's answer below gives the current status when there is a network
  } else if (waiting.length) {
    // The screen shows exactly what is about to be sent.
    apply(waiting[waiting.length - 1]);
    showQueued(waiting);
  } else if (draft) {
    // Put the phone's answers back when the server has not got them, or when this page was
    // rendered before they were made or saved (a copy cached earlier). Both times are the
    // server's clock, so a phone set to the wrong time changes nothing.
    const newest = Math.max(draft.base_rendered_at || 0, draft.synced_server_at || 0);
    const restore = dirty() || renderedAt <= newest;
    if (restore && !same(draft, readForm(form))) {
      apply(draft);
      say("status", TEXT.restored);
    }
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("submit", onSubmit);
  banner.querySelector("[data-withdraw-queued]").addEventListener("click", (event) => {
    withdrawQueued(event.currentTarget).catch(() => say("error", TEXT.noStorage, { tone: "error", kind: "storage" }));
  });
  beforeReload(flush);
  window.addEventListener("pagehide", () => { flush(); });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return; // a fresh load is checked below
    recheckStatus();
    syncQueueState();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
    else syncQueueState(); // another tab may have queued or withdrawn this form meanwhile
  });
  window.addEventListener("online", () => {
    replayNow(true);
    if (dirty()) saveServer();
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "REPLAYED" && !handle(event.data.results)) afterQueueChange();
    });
  }
  if (waiting.length) await replayNow(true);
  else await recheckStatus();
  if (!serverClosed && !locked && dirty() && navigator.onLine) await saveServer();
}

if (form && messages && banner && store && "indexedDB" in self) {
  start().catch(() => say("error", TEXT.noStorage, { tone: "error", kind: "storage" }));
}
