// Scoring engine mirror: the same rules and Vietnamese reasons as scoring/engine.py.
// score(criteriaSet, answers) takes CriteriaSet.to_dict() and {indexCode: points|boolean|null}.
// With every index answered it gives exactly the engine's verdict. While some are still
// unanswered it does what webapp/assess/progress.py does: they count as nothing, get no
// reason of their own, and one "unanswered" reason lists them.
// tests/assess/test_scoring_js_mirror.py runs both on the same answer sets.

export const UNANSWERED = "unanswered";

function isAnswered(value) {
  return value !== null && value !== undefined && value !== "";
}

function reason(code, message, indexCode = null, criterionCode = null) {
  return { code, message_vi: message, index_code: indexCode, criterion_code: criterionCode };
}

function scorePoints(criteria, rule, values) {
  const reasons = [];
  let total = 0;
  let allOk = true;
  for (const crit of criteria) {
    const indexReasons = [];
    let points = 0;
    for (const index of crit.indices) {
      const value = Number(values[index.code]);
      points += value;
      if (rule.index_min !== null && rule.index_min !== undefined && value < rule.index_min) {
        allOk = false;
        indexReasons.push(reason(
          "index_min",
          `Chỉ số ${index.code} được ${value} điểm, cần ít nhất ${rule.index_min}.`,
          index.code, crit.code,
        ));
      }
    }
    const critMin = rule.criterion_min || {};
    if (Object.prototype.hasOwnProperty.call(critMin, crit.code)) {
      const need = critMin[crit.code];
      if (points < need) {
        allOk = false;
        reasons.push(reason(
          "criterion_min",
          `Tiêu chí ${crit.code} được ${points} điểm, cần ít nhất ${need}.`,
          null, crit.code,
        ));
      }
    }
    reasons.push(...indexReasons);
    total += points;
  }
  if (rule.total_min !== null && rule.total_min !== undefined && total < rule.total_min) {
    allOk = false;
    reasons.unshift(reason("total_min", `Tổng điểm ${total}, cần ít nhất ${rule.total_min}.`));
  }
  return { achieved: allOk, total, reasons };
}

function scoreCount(criteria, rule, values) {
  const mandatory = new Set(rule.mandatory || []);
  const perK = rule.per_criterion_k || {};
  const reasons = [];
  let total = 0;
  let allOk = true;
  let criteriaHolding = 0;
  for (const crit of criteria) {
    const indexReasons = [];
    let met = 0;
    for (const index of crit.indices) {
      const isMet = Boolean(values[index.code]);
      if (isMet) met += 1;
      if (mandatory.has(index.code) && !isMet) {
        allOk = false;
        indexReasons.push(reason(
          "mandatory", `Chỉ số ${index.code} là chỉ số bắt buộc nhưng chưa đạt.`, index.code, crit.code,
        ));
      }
    }
    const n = crit.indices.length;
    let holds = true;
    const listed = Object.prototype.hasOwnProperty.call(perK, crit.code);
    if (listed || rule.all_criteria_required) {
      const k = listed ? perK[crit.code] : n;
      holds = met >= k;
      if (!holds) {
        allOk = false;
        reasons.push(reason(
          "criterion_k",
          `Tiêu chí ${crit.code} mới đạt ${met}/${n} chỉ số, cần đạt ít nhất ${k}.`,
          null, crit.code,
        ));
      }
    }
    if (holds) criteriaHolding += 1;
    reasons.push(...indexReasons);
    total += met;
  }
  if (rule.all_criteria_required && criteriaHolding !== criteria.length) {
    allOk = false;
    reasons.unshift(reason(
      "all_criteria",
      `Mới đạt ${criteriaHolding}/${criteria.length} tiêu chí, cần đạt tất cả các tiêu chí.`,
    ));
  }
  return { achieved: allOk, total, reasons };
}

export function unansweredMessage(codes) {
  return `Còn ${codes.length} chỉ số chưa chọn mức: ${codes.join(", ")}.`;
}

export function score(criteriaSet, answers) {
  const boolean = criteriaSet.answer_kind === "boolean";
  const missing = [];
  const values = {};
  for (const crit of criteriaSet.criteria) {
    for (const index of crit.indices) {
      const given = answers ? answers[index.code] : undefined;
      if (isAnswered(given)) {
        values[index.code] = boolean ? Boolean(given) : Number(given);
      } else {
        missing.push(index.code);
        values[index.code] = boolean ? false : 0;
      }
    }
  }
  const rule = criteriaSet.rule;
  const result = rule.kind === "count"
    ? scoreCount(criteriaSet.criteria, rule, values)
    : scorePoints(criteriaSet.criteria, rule, values);
  const missingSet = new Set(missing);
  const reasons = result.reasons.filter((r) => !missingSet.has(r.index_code));
  if (missing.length) reasons.unshift(reason(UNANSWERED, unansweredMessage(missing)));
  return {
    achieved: result.achieved && missing.length === 0,
    total: result.total,
    maxTotal: criteriaSet.max_total,
    answered: values ? Object.keys(values).length - missing.length : 0,
    count: Object.keys(values).length,
    reasons,
  };
}
