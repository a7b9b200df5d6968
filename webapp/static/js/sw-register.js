// Registers the service worker on every page and offers a new version without forcing it:
// the page shows "Có phiên bản mới" and reloads only when the member taps "Tải lại".
import { runBeforeReload } from "./reload.js";

const banner = document.getElementById("update-banner");
const USER_KEY = "cdht-user";
let reloading = false;

function tellWorker(message) {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (worker) worker.postMessage(message);
}

function offer(worker) {
  if (!banner || !worker) return;
  banner.hidden = false;
  const button = banner.querySelector("button");
  button.addEventListener("click", async () => {
    button.disabled = true;
    await runBeforeReload();
    reloading = true;
    worker.postMessage({ type: "SKIP_WAITING" });
    // If the new worker took over already (another tab), reload now.
    setTimeout(() => { if (reloading) location.reload(); }, 3000);
  }, { once: true });
}

// Another person's pages must not stay in this phone's cache.
function watchUser() {
  const meta = document.querySelector('meta[name="cdht-user"]');
  if (!meta) return;
  const user = meta.content;
  let previous = null;
  try { previous = localStorage.getItem(USER_KEY); } catch (_error) { /* private mode */ }
  if (previous !== null && previous !== user) tellWorker({ type: "LOGOUT" });
  try { localStorage.setItem(USER_KEY, user); } catch (_error) { /* private mode */ }
}

document.addEventListener("submit", (event) => {
  const action = event.target.getAttribute("action") || "";
  if (/logout/.test(action)) tellWorker({ type: "LOGOUT" });
});

document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-reload]")) location.reload();
});

async function register() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  const controlledAtLoad = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) { reloading = false; location.reload(); return; }
    // First visit: this page came before the worker, so ask it to keep a copy for offline.
    if (!controlledAtLoad) tellWorker({ type: "REMEMBER", url: location.href });
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") registration.update().catch(() => undefined);
  });
}

watchUser();
register().catch(() => undefined);
