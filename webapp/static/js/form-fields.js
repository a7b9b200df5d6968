// Reading and writing the assessment form's fields: the one place that knows their names.
// Each index has a choice group `answer-<code>` (numeric values) and a note `note-<code>`.
// Used by the step UI and live total (assess-form.js) and the offline layer (offline-form.js).

function codes(form, prefix) {
  const seen = new Set();
  for (const element of form.elements) {
    if (element.name && element.name.startsWith(prefix)) seen.add(element.name.slice(prefix.length));
  }
  return [...seen];
}

function checkedValue(form, code) {
  const checked = form.querySelector(`input[name="answer-${CSS.escape(code)}"]:checked`);
  return checked ? Number.parseInt(checked.value, 10) : null;
}

// {answers: {code: points | null}, notes: {code: text}} as the form holds them now.
export function readForm(form) {
  const answers = {};
  for (const code of codes(form, "answer-")) answers[code] = checkedValue(form, code);
  const notes = {};
  for (const code of codes(form, "note-")) notes[code] = form.elements[`note-${code}`].value;
  return { answers, notes };
}

// Put saved answers and notes back, firing the events a person's input would fire.
export function writeForm(form, saved) {
  for (const [code, value] of Object.entries(saved.answers || {})) {
    for (const radio of form.querySelectorAll(`input[name="answer-${CSS.escape(code)}"]`)) {
      const checked = value !== null && Number(radio.value) === value;
      if (radio.checked !== checked) {
        radio.checked = checked;
        if (checked) radio.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  }
  for (const [code, text] of Object.entries(saved.notes || {})) {
    const area = form.elements[`note-${code}`];
    if (area && area.value !== text) {
      area.value = text;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

export function isFieldName(name) {
  return /^(answer|note)-/.test(name || "");
}

// Indices still without a score, in the order of the form.
export function unanswered(fields) {
  return Object.entries(fields.answers).filter(([, value]) => value === null).map(([code]) => code);
}

// Indices whose criteria file requires evidence (the note's data-evidence-required) that claim
// points without a note: the server refuses such a submission, so the page says so first.
export function withoutEvidence(form, fields) {
  return Object.entries(fields.answers)
    .filter(([code, value]) => {
      const area = form.elements[`note-${code}`];
      return value && area && area.hasAttribute("data-evidence-required") && !area.value.trim();
    })
    .map(([code]) => code);
}

// Lock or unlock the answers and notes (a queued or submitted form is not edited in place).
// Step navigation stays usable, so the member can still read every answer.
export function lockFields(form, locked) {
  for (const item of form.querySelectorAll("fieldset.index-item")) item.disabled = locked;
  form.classList.toggle("locked", locked);
}
