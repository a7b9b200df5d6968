// Service worker of "Công dân học tập". Served from /sw.js (scope "/") by webapp/pwa, which
// writes in the version (a hash of the shell's files) and the list of URLs to precache.
//
// - app shell (CSS, JS, icons, /offline, the criteria sets): precached, cache-first;
// - pages: network-first with a short timeout, then the copy cached on the last visit,
//   then /offline; a successful visit refreshes the copy (per URL, this user only);
// - other API calls: network only (the page keeps answers in IndexedDB);
// - a new worker waits until the page asks (SKIP_WAITING), never mid-form;
// - logout (or another user) clears the page copies.
/* eslint-env serviceworker */
"use strict";

importScripts("/static/js/store.js");

const VERSION = "__CDHT_VERSION__";
const PRECACHE_URLS = "__CDHT_PRECACHE__";
const SHELL_CACHE = `cdht-shell-${VERSION}`;
const PAGES_CACHE = "cdht-pages";
const CACHE_PREFIX = "cdht-";
const NAVIGATION_TIMEOUT_MS = 3500;
const MAX_PAGES = 40;
const NEVER_CACHED = [/^\/api\//, /^\/sw\.js$/, /logout/, /^\/login/, /^\/export/, /\.csv$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      // `reload`: bypass the HTTP cache so the new version's files are the ones stored.
      cache.addAll(PRECACHE_URLS.map((url) => new Request(url, { cache: "reload" }))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, PAGES_CACHE]);
      for (const key of await caches.keys()) {
        if (key.startsWith(CACHE_PREFIX) && !keep.has(key)) await caches.delete(key);
      }
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") self.skipWaiting();
  else if (type === "LOGOUT") event.waitUntil(forgetUser());
  else if (type === "REMEMBER") event.waitUntil(rememberUrl(event.data.url));
  else if (type === "VERSION" && event.ports[0]) event.ports[0].postMessage({ version: VERSION });
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (/logout/.test(url.pathname)) event.waitUntil(forgetUser());
    return; // POST/PUT go to the network as they are
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith("/api/criteria/")) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith("/api/")) {
    // network only: answers are personal, the page keeps them in IndexedDB
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  }
});

// Pages hold the member's answers and name: another person on this phone must not see them.
async function forgetUser() {
  await caches.delete(PAGES_CACHE);
  await self.CDHTStore.pruneSynced().catch(() => undefined);
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

function cacheable(url, response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return false;
  if (NEVER_CACHED.some((pattern) => pattern.test(url.pathname))) return false;
  const control = response.headers.get("Cache-Control") || "";
  return !/no-store|private/.test(control) &&
    (response.headers.get("Content-Type") || "").startsWith("text/html");
}

async function remember(request, response) {
  const url = new URL(request.url);
  if (!cacheable(url, response)) return;
  const cache = await caches.open(PAGES_CACHE);
  // One copy per page, whatever its query string (?source=pwa...).
  await cache.put(url.origin + url.pathname, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

// The page the member opened before the worker existed: fetch it once more to keep a copy.
async function rememberUrl(address) {
  const url = new URL(address, self.location.origin);
  if (url.origin !== self.location.origin) return;
  const request = new Request(url.href, { credentials: "same-origin", cache: "no-store" });
  try {
    await remember(request, await fetch(request));
  } catch (_error) {
    // offline already: nothing to keep
  }
}

async function cachedPage(request) {
  const url = new URL(request.url);
  const cache = await caches.open(PAGES_CACHE);
  return (await cache.match(url.origin + url.pathname)) ||
    (await caches.match("/offline", { cacheName: SHELL_CACHE }));
}

async function navigate(event) {
  const request = event.request;
  const network = (async () => {
    const preloaded = await event.preloadResponse;
    const response = preloaded || await fetch(request);
    await remember(request, response.clone());
    return response;
  })();
  event.waitUntil(network.catch(() => undefined));
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), NAVIGATION_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([network, timeout]);
    if (first !== "timeout") return first;
    // Slow network: show the copy from the last visit if there is one, else keep waiting.
    const cache = await caches.open(PAGES_CACHE);
    const url = new URL(request.url);
    const copy = await cache.match(url.origin + url.pathname);
    return copy || await network;
  } catch (_error) {
    const copy = await cachedPage(request);
    return copy || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

// Background Sync: send the queued submissions even when no page is open, then tell the
// pages what happened. A retryable failure rejects, so the browser tries again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== "cdht-submit") return;
  event.waitUntil(
    (async () => {
      const results = await self.CDHTStore.replay({ force: true });
      const pages = await self.clients.matchAll({ type: "window" });
      for (const page of pages) {
        page.postMessage({
          type: "REPLAYED",
          results: results.map((r) => ({ kind: r.kind, assessment_id: r.item.assessment_id,
            client_id: r.item.client_id, status: r.status, body: r.body })),
        });
      }
      if (results.some((r) => r.kind === "retry")) throw new Error("cdht-submit: retry later");
    })(),
  );
});
