// "In" buttons: shown only where a script can open the browser's print dialog; without
// scripts the page's own instructions (Ctrl + P, menu → In) remain.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
