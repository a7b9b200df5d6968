// Offline storage for assessment forms, shared by the pages and the service worker.
//
// A plain script (no import/export) so that both a page module (`import "./store.js"`) and
// the classic service worker (`importScripts`) can load it; it defines `self.CDHTStore`.
//
// IndexedDB "cdht", two stores:
//   drafts: {assessment_id, answers, notes, rev, synced_rev, synced_server_at,
//            base_rendered_at, saved_at}, or once sent {assessment_id, sent, base_rendered_at, ...}
//   queue:  {client_id, assessment_id, answers, notes, queued_at, attempts, next_try_at,
//            state: "waiting" | "login"}
// Never a CSRF token, a password or a session cookie: the replay asks /api/csrf each time.
(function (root) {
  "use strict";

  const DB_NAME = "cdht";
  const DB_VERSION = 1;
  const BACKOFF_START_MS = 15 * 1000;
  const BACKOFF_MAX_MS = 30 * 60 * 1000;
  let opening = null;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = root.indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains("drafts")) {
            db.createObjectStore("drafts", { keyPath: "assessment_id" });
          }
          if (!db.objectStoreNames.contains("queue")) {
            const queue = db.createObjectStore("queue", { keyPath: "client_id" });
            queue.createIndex("assessment_id", "assessment_id");
          }
        };
        req.onsuccess = () => {
          const db = req.result;
          db.onversionchange = () => { db.close(); opening = null; };
          resolve(db);
        };
        req.onerror = () => { opening = null; reject(req.error); };
      });
    }
    return opening;
  }

  async function run(storeName, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      let result;
      Promise.resolve(work(tx.objectStore(storeName))).then((value) => { result = value; }, reject);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  // Drafts ---------------------------------------------------------------------------------

  function getDraft(assessmentId) {
    return run("drafts", "readonly", (s) => request(s.get(String(assessmentId))));
  }

  function putDraft(draft) {
    return run("drafts", "readwrite", (s) => request(s.put(draft)));
  }

  function deleteDraft(assessmentId) {
    return run("drafts", "readwrite", (s) => request(s.delete(String(assessmentId))));
  }

  // Mark the draft as known to the server (at `savedAt`, server clock), unless the member
  // typed more meanwhile.
  function markSynced(assessmentId, rev, savedAt) {
    return run("drafts", "readwrite", async (s) => {
      const draft = await request(s.get(String(assessmentId)));
      if (draft && draft.rev === rev) {
        draft.synced_rev = rev;
        draft.synced_server_at = savedAt || 0;
        await request(s.put(draft));
      }
    });
  }

  // Once sent, the draft becomes a note of what was sent, so that an older copy of the form
  // (shown offline through Back) can say so instead of looking like an open draft. Forgotten
  // at logout like any synced draft (rev equals synced_rev).
  function markSent(item, body) {
    return run("drafts", "readwrite", async (s) => {
      const draft = await request(s.get(String(item.assessment_id)));
      await request(s.put({
        assessment_id: String(item.assessment_id),
        sent: { status_url: (body && body.status_url) || "", answers: item.answers, notes: item.notes },
        base_rendered_at: (draft && draft.base_rendered_at) || 0,
        rev: 0,
        synced_rev: 0,
        saved_at: Date.now(),
      }));
    });
  }

  // Queue ----------------------------------------------------------------------------------

  function queued(assessmentId) {
    return run("queue", "readonly", async (s) => {
      const items = assessmentId === undefined
        ? await request(s.getAll())
        : await request(s.index("assessment_id").getAll(String(assessmentId)));
      return items.sort((a, b) => a.queued_at - b.queued_at);
    });
  }

  // A new submission attempt replaces any older one of the same assessment still waiting.
  function enqueue(item) {
    return run("queue", "readwrite", async (s) => {
      const older = await request(s.index("assessment_id").getAllKeys(String(item.assessment_id)));
      for (const key of older) await request(s.delete(key));
      await request(s.put(Object.assign({ attempts: 0, next_try_at: 0, state: "waiting" }, item)));
    });
  }

  function putQueued(item) {
    return run("queue", "readwrite", (s) => request(s.put(item)));
  }

  function removeQueued(clientId) {
    return run("queue", "readwrite", (s) => request(s.delete(clientId)));
  }

  // At logout: forget drafts the server already holds; keep unsent work until it is sent.
  function pruneSynced() {
    return run("drafts", "readwrite", async (s) => {
      for (const draft of await request(s.getAll())) {
        if (draft.rev === draft.synced_rev) await request(s.delete(draft.assessment_id));
      }
    });
  }

  function uuid() {
    if (root.crypto && typeof root.crypto.randomUUID === "function") return root.crypto.randomUUID();
    const b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // Replay ---------------------------------------------------------------------------------

  // CSRF: the one place that finds a token for a PUT/POST. Tokens are never stored.
  async function freshToken() {
    const response = await fetch("/api/csrf", {
      credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store",
    });
    if (!response.ok) return { status: response.status, response };
    const body = await response.json();
    return { status: response.status, token: body.csrf_token };
  }

  function pageToken() {
    const meta = root.document && root.document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Send JSON with the page's token; a 400 (a token from a page cached long ago) is retried
  // once with a fresh one. When no fresh token is given (the session has ended: 401), that
  // answer is returned, so the page can ask the member to log in again.
  async function sendJson(url, method, payload) {
    const send = (token) => fetch(url, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify(payload),
    });
    let response = await send(pageToken());
    if (response.status === 400) {
      const fresh = await freshToken();
      if (fresh.token) response = await send(fresh.token);
      else if (fresh.status === 401 || fresh.status === 403) response = fresh.response;
    }
    return response;
  }

  // A GET of the member's own data, never from a cache (the page re-checks the status).
  function getJson(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  }

  async function readJson(response) {
    try { return await response.json(); } catch (_error) { return {}; }
  }

  function backoff(item) {
    item.attempts = (item.attempts || 0) + 1;
    const wait = Math.min(BACKOFF_START_MS * 2 ** (item.attempts - 1), BACKOFF_MAX_MS);
    item.next_try_at = Date.now() + wait;
    item.state = "waiting";
    return putQueued(item);
  }

  // Send one queued submission. Outcome kinds: sent, rejected (409/422: removed, the member
  // must read the message), login (401/403: kept until the owner logs in), retry (kept).
  async function sendOne(item) {
    let csrf;
    try {
      csrf = await freshToken();
    } catch (_error) {
      await backoff(item);
      return { kind: "retry", item };
    }
    if (csrf.status === 401 || csrf.status === 403) {
      item.state = "login";
      await putQueued(item);
      return { kind: "login", item };
    }
    if (!csrf.token) {
      await backoff(item);
      return { kind: "retry", item };
    }
    let response;
    try {
      response = await fetch(`/api/assessments/${item.assessment_id}/submit`, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: {
          "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf.token,
        },
        body: JSON.stringify({ client_id: item.client_id, answers: item.answers, notes: item.notes }),
      });
    } catch (_error) {
      await backoff(item);
      return { kind: "retry", item };
    }
    const body = await readJson(response);
    if (response.ok) {
      await removeQueued(item.client_id);
      await markSent(item, body);
      return { kind: "sent", item, body };
    }
    if (response.status === 409 || response.status === 422) {
      await removeQueued(item.client_id);
      return { kind: "rejected", item, status: response.status, body };
    }
    if (response.status === 401 || response.status === 403) {
      item.state = "login";
      await putQueued(item);
      return { kind: "login", item, body };
    }
    await backoff(item); // 5xx, or 400 (an expired token): try again later
    return { kind: "retry", item, status: response.status };
  }

  async function replayUnlocked(options) {
    const force = Boolean(options && options.force);
    const results = [];
    for (const item of await queued()) {
      if (!force && item.next_try_at > Date.now()) {
        results.push({ kind: "retry", item });
        continue;
      }
      const outcome = await sendOne(item);
      results.push(outcome);
      if (outcome.kind === "login") break; // every other item would get the same answer
    }
    return results;
  }

  // One replay or withdrawal at a time across tabs and the worker (Web Locks where available;
  // the server's idempotency on client_id covers browsers without them).
  function exclusive(work) {
    const locks = root.navigator && root.navigator.locks;
    if (locks && typeof locks.request === "function") return locks.request("cdht-replay", work);
    return work();
  }

  function replay(options) {
    return exclusive(() => replayUnlocked(options));
  }

  // "Sửa lại": take the assessment's queued submissions back so the member can edit. Waits for
  // a replay under way, so an item is either sent or withdrawn, never both. Returns the
  // withdrawn items (none when it was sent or refused meanwhile).
  function withdraw(assessmentId) {
    return exclusive(async () => {
      const items = await queued(assessmentId);
      for (const item of items) await removeQueued(item.client_id);
      return items;
    });
  }

  root.CDHTStore = {
    getDraft, putDraft, deleteDraft, markSynced, queued, enqueue, putQueued, removeQueued,
    pruneSynced, replay, withdraw, uuid, sendJson, getJson,
  };
})(self);
