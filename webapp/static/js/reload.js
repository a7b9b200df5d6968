// Work to finish before the page reloads for a new app version (e.g. the offline form's
// unsaved answers). A module, so every script of the page shares one list without a global.
const hooks = [];

export function beforeReload(flush) {
  hooks.push(flush);
}

export function runBeforeReload() {
  return Promise.all(hooks.map((flush) => Promise.resolve().then(flush).catch(() => undefined)));
}
