// The head's review page: the total and result of the head's points, live as they change,
// and a warning before a result below the title is confirmed. Without this script the server
// shows the same total on load and asks for the same confirmation on "Xác nhận".
import { score } from "./scoring.js";

const form = document.getElementById("review-form");
const dataBlock = document.getElementById("review-criteria");

function readCriteria() {
  try {
    return JSON.parse(dataBlock.textContent);
  } catch (_error) {
    return null;
  }
}

function headPoints(criteriaSet) {
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

function warnBelowTitle(criteriaSet) {
  const button = document.querySelector("[data-confirm-button]");
  button.addEventListener("click", (event) => {
    const result = score(criteriaSet, headPoints(criteriaSet));
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

if (form && dataBlock) {
  const criteriaSet = readCriteria();
  if (criteriaSet) {
    form.addEventListener("change", (event) => {
      if (event.target.name && event.target.name.startsWith("points_")) show(score(criteriaSet, headPoints(criteriaSet)));
    });
    show(score(criteriaSet, headPoints(criteriaSet)));
    warnBelowTitle(criteriaSet);
  }
}
