"""static/js/scoring.js gives the same verdict, total and Vietnamese reasons as the engine.

Runs the ES module under `node` on many answer sets generated here: boundary cases and
random ones, on the shipped points sets and on synthetic sets for the rules they do not use
(a minimum per criterion; count rules). Complete answer sets are compared with
`CriteriaSet.score`, partial ones with `webapp.assessments.progress.live_score`.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import criteria
from webapp.assessments.progress import live_score

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH: the JS mirror of the engine cannot run")

SCORING_JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js" / "scoring.js"

HARNESS = """
import { score } from "./scoring.mjs";
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map(({ set, answers }) => score(set, answers));
process.stdout.write(JSON.stringify(out));
"""

HEADER = '''\
code = "{code}"
version = "1.0"
title = "Bộ thử"
group_label = "Nhóm thử"
source = "Viết cho kiểm thử"
verified = false
verified_note = "Chưa đối chiếu"
answer_kind = "{kind}"

'''


def _index(code: str, max_points: int | None) -> str:
    line = f"  max_points = {max_points}\n" if max_points else ""
    return (f'  [[criteria.indices]]\n  code = "{code}"\n  title = "Chỉ số {code}"\n'
            f'  description = "Mô tả"\n{line}\n')


def synthetic(code: str, kind: str, rule: str, shape: dict[str, list[str]], max_points=None) -> criteria.CriteriaSet:
    text = HEADER.format(code=code, kind=kind) + "[rule]\n" + rule + "\n"
    for crit, indices in shape.items():
        text += f'[[criteria]]\ncode = "{crit}"\ntitle = "Tiêu chí {crit}"\n\n'
        text += "".join(_index(i, max_points) for i in indices)
    return criteria.load_text(text, name=f"{code}.toml")


SHAPE = {"I": ["1", "2", "3"], "II": ["4", "5"], "III": ["6", "7", "8"]}


def criteria_sets() -> list[criteria.CriteriaSet]:
    return [
        *criteria.load_shipped(),
        synthetic("P", "points", 'kind = "points"\ntotal_min = 50\nindex_min = 3\n'
                  "criterion_min = { I = 20, III = 18 }\n", SHAPE, max_points=10),
        synthetic("Q", "points", 'kind = "points"\ncriterion_min = { II = 12 }\n', SHAPE, max_points=8),
        synthetic("C", "boolean", 'kind = "count"\nper_criterion_k = { I = 2, III = 1 }\n'
                  'mandatory = ["4", "7"]\nall_criteria_required = true\n', SHAPE),
        synthetic("D", "boolean", 'kind = "count"\nper_criterion_k = { II = 1 }\nmandatory = ["1"]\n', SHAPE),
    ]


def answer_sets(cset: criteria.CriteriaSet, rng: random.Random) -> list[dict]:
    codes = [i.code for c in cset.criteria for i in c.indices]
    tops = {i.code: i.max_points for c in cset.criteria for i in c.indices}
    sets: list[dict] = []
    if cset.answer_kind == "boolean":
        sets += [{c: True for c in codes}, {c: False for c in codes}]
        sets += [{c: c != off for c in codes} for off in codes]
        sets += [{c: rng.random() < 0.7 for c in codes} for _ in range(150)]
    else:
        levels = {i.code: [lv.points for lv in i.levels] or list(range(i.max_points + 1))
                  for c in cset.criteria for i in c.indices}
        sets += [{c: tops[c] for c in codes}, {c: 0 for c in codes}]
        for value in range(0, 11):
            sets.append({c: min(value, tops[c]) for c in codes})
        for low in codes:  # one index just under / at a minimum, the rest full
            for value in (2, 3, 4, 5, 6):
                sets.append({c: (min(value, tops[c]) if c == low else tops[c]) for c in codes})
        sets += [{c: rng.randint(0, tops[c]) for c in codes} for _ in range(150)]
        sets += [{c: rng.choice(levels[c]) for c in codes} for _ in range(150)]
    partial = []
    for full in sets[:60]:
        kept = {c: v for c, v in full.items() if rng.random() < 0.6}
        partial.append({c: kept.get(c) for c in codes} if rng.random() < 0.5 else kept)
    partial.append({})
    return sets + partial


def expected(cset: criteria.CriteriaSet, answers: dict) -> dict:
    codes = [i.code for c in cset.criteria for i in c.indices]
    if all(answers.get(c) is not None for c in codes):
        result = cset.score(answers).to_dict()
        reasons = result["reasons"]
        return {"achieved": result["achieved"], "total": result["total"], "reasons": reasons}
    live = live_score(cset, answers)
    return {"achieved": live.achieved, "total": live.total, "reasons": live.reasons}


def run_node(tmp_path: Path, cases: list[dict]) -> list[dict]:
    shutil.copy(SCORING_JS, tmp_path / "scoring.mjs")
    (tmp_path / "harness.mjs").write_text(HARNESS, encoding="utf-8")
    done = subprocess.run([NODE, str(tmp_path / "harness.mjs")], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_js_mirror_matches_the_engine(tmp_path):
    rng = random.Random(324)
    cases, wanted = [], []
    for cset in criteria_sets():
        data = cset.to_dict()
        for answers in answer_sets(cset, rng):
            cases.append({"set": data, "answers": answers})
            wanted.append(expected(cset, answers))
    got = run_node(tmp_path, cases)
    assert len(got) == len(wanted) > 1500
    mismatches = []
    for case, mine, theirs in zip(cases, got, wanted, strict=True):
        mine = {"achieved": mine["achieved"], "total": mine["total"], "reasons": mine["reasons"]}
        if mine != theirs:
            mismatches.append((case["set"]["key"], case["answers"], mine, theirs))
    assert not mismatches, mismatches[:3]
    # The generated sets do reach both verdicts and every kind of reason.
    assert {w["achieved"] for w in wanted} == {True, False}
    codes = {r["code"] for w in wanted for r in w["reasons"]}
    assert codes == {"total_min", "index_min", "criterion_min", "criterion_k", "mandatory",
                     "all_criteria", "unanswered"}
