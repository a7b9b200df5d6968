// The assessment form: one criterion at a time, and a live total with the unmet rules.
// Without this script every step is visible and the form still works. It never intercepts
// submission (offline-form.js, from the PWA feature, handles sending while offline).
import { readForm } from "./form-fields.js";
import { score } from "./scoring.js";

const form = document.getElementById("assessment-form");
const dataBlock = document.getElementById("criteria-data");

function readCriteria() {
  try {
    return JSON.parse(dataBlock.textContent);
  } catch (error) {
    return null;
  }
}

function currentAnswers(criteriaSet) {
  const { answers } = readForm(form);
  const typed = {};
  for (const crit of criteriaSet.criteria) {
    for (const index of crit.indices) {
      const value = answers[index.code] ?? null;
      typed[index.code] = value === null || criteriaSet.answer_kind !== "boolean" ? value : value === 1;
    }
  }
  return typed;
}

function showLiveScore(criteriaSet) {
  const box = document.getElementById("live-score");
  if (!box) return;
  const result = score(criteriaSet, currentAnswers(criteriaSet));
  box.querySelector('[data-live="total"]').textContent = String(result.total);
  box.querySelector('[data-live="answered"]').textContent = String(result.answered);
  const verdict = box.querySelector('[data-live="verdict"]');
  verdict.textContent = result.achieved ? "Đủ điều kiện đạt" : "Chưa đủ điều kiện";
  verdict.className = `badge ${result.achieved ? "ok" : "wait"}`;
  const list = box.querySelector('[data-live="reasons"]');
  box.querySelector('[data-live="reasons-box"]').hidden = result.reasons.length === 0;
  list.replaceChildren(...result.reasons.map((r) => {
    const item = document.createElement("li");
    item.dataset.code = r.code;
    item.textContent = r.message_vi;
    return item;
  }));
}

// Where a member left off is kept on this phone (a step number is not personal data).
function stepKey() {
  return `cdht-step-${form.dataset.assessmentId}`;
}

function rememberedStep() {
  try {
    const value = localStorage.getItem(stepKey());
    return value === null ? null : Number.parseInt(value, 10);
  } catch (_error) {
    return null; // private mode
  }
}

function remember(position) {
  try { localStorage.setItem(stepKey(), String(position)); } catch (_error) { /* private mode */ }
}

// The step to open: one with an error; on a returned form, the first index the head commented
// on; on a draft, the step where work stopped (remembered here, else the first step with an
// unanswered index, else the last step, where the form is sent).
function openingStep(steps) {
  const holding = (selector) => steps.findIndex((step) => step.querySelector(selector));
  const withError = holding(".has-error");
  if (withError >= 0) return { position: withError, target: null }; // the page's message is on top
  if (form.dataset.status === "returned") {
    const commented = holding("[data-head-comment]");
    if (commented >= 0) return { position: commented, target: steps[commented].querySelector("[data-head-comment]") };
    return { position: 0, target: null };
  }
  const { answers } = readForm(form);
  const remembered = rememberedStep();
  if (remembered !== null && remembered >= 0 && remembered < steps.length) return { position: remembered, target: null };
  const open = steps.findIndex((step) => Array.from(step.querySelectorAll("fieldset.index-item"))
    .some((item) => answers[item.id.replace(/^index-/, "")] === null));
  return { position: open >= 0 ? open : steps.length - 1, target: null };
}

function setUpSteps() {
  const steps = Array.from(form.querySelectorAll("fieldset.step"));
  if (steps.length < 2) return;
  const progress = form.querySelector("[data-step-progress]");
  const number = form.querySelector("[data-step-number]");
  const bar = form.querySelector("[data-step-bar]");
  let current = 0;

  function show(position, focus) {
    current = Math.max(0, Math.min(steps.length - 1, position));
    steps.forEach((step, i) => { step.hidden = i !== current; });
    number.textContent = String(current + 1);
    bar.style.width = `${Math.round(((current + 1) / steps.length) * 100)}%`;
    if (form.dataset.status !== "returned") remember(current);
    if (focus) {
      const legend = steps[current].querySelector("legend");
      legend.setAttribute("tabindex", "-1");
      legend.focus();
      steps[current].scrollIntoView({ block: "start" });
    }
  }

  form.classList.add("stepped");
  progress.hidden = false;
  form.querySelectorAll("[data-step-nav]").forEach((nav) => { nav.hidden = false; });
  form.querySelectorAll("[data-step-next]").forEach((button) => {
    button.addEventListener("click", () => show(current + 1, true));
  });
  form.querySelectorAll("[data-step-back]").forEach((button) => {
    button.addEventListener("click", () => show(current - 1, true));
  });
  // A browser may jump to an invalid field of a hidden step: show that step first.
  form.addEventListener("invalid", (event) => {
    const step = event.target.closest("fieldset.step");
    if (step) show(steps.indexOf(step), false);
  }, true);
  // The offline layer points at an index to fix (unanswered, evidence missing).
  form.addEventListener("cdht:reveal", (event) => {
    const step = event.target.closest("fieldset.step");
    if (step) show(steps.indexOf(step), false);
    event.target.scrollIntoView({ block: "start" });
  });
  const opening = openingStep(steps);
  show(opening.position, false);
  if (opening.target) opening.target.scrollIntoView({ block: "start" });
}

function setUpCounters() {
  form.querySelectorAll("textarea[data-counter]").forEach((area) => {
    const counter = document.getElementById(area.dataset.counter);
    if (!counter) return;
    const limit = Number(area.getAttribute("maxlength")) || 500;
    const update = () => { counter.textContent = `${area.value.length}/${limit} ký tự`; };
    area.addEventListener("input", update);
    update();
  });
}

if (form && dataBlock) {
  const criteriaSet = readCriteria();
  setUpSteps();
  setUpCounters();
  if (criteriaSet) {
    form.addEventListener("change", (event) => {
      if (event.target.name && event.target.name.startsWith("answer-")) showLiveScore(criteriaSet);
    });
    showLiveScore(criteriaSet);
  }
}
