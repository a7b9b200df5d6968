"""Validate the parsed TOML of a criteria file and build a CriteriaSet.

Every problem is reported as CriteriaError(file, place, problem) where place is a path
inside the file such as `criteria[2].indices[1].levels[0].points`.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from criteria.model import SCALE_KINDS, Band, CriteriaError, CriteriaSet, Criterion, Index, Level
from scoring import CountRule, CriterionSpec, IndexSpec, PointsRule, Structure

VERSION_RE = re.compile(r"^\d+(\.\d+)*$")
ANSWER_KINDS = {"points": "points", "boolean": "count"}  # answer kind -> rule kind

ROOT_REQUIRED = {
    "code", "version", "title", "group_label", "source", "verified", "verified_note",
    "answer_kind", "rule", "criteria",
}
ROOT_OPTIONAL = {"scale", "instruction"}
SCALE_KEYS = {"kind"}
CRITERION_REQUIRED = {"code", "title", "indices"}
CRITERION_OPTIONAL = {"subtitle"}
INDEX_REQUIRED = {"code", "title", "description"}
INDEX_OPTIONAL = {"max_points", "levels", "evidence", "evidence_hint"}
LEVEL_KEYS = {"points", "label", "description"}  # a "levels" scale: one described value
BAND_KEYS = {"min", "max", "label", "description"}  # a "whole" scale: a described range
EVIDENCE_WORDS = {"required": True, "optional": False}
POINTS_RULE_KEYS = {"kind", "total_min", "index_min", "criterion_min"}
COUNT_RULE_KEYS = {"kind", "per_criterion_k", "mandatory", "all_criteria_required"}


def parse(data: dict[str, Any], *, file: str, digest: str) -> CriteriaSet:
    """Build a CriteriaSet from parsed TOML, or raise CriteriaError."""
    return _Parser(file).parse(data, digest)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return {
        str: "a string", int: "an integer", float: "a float", list: "an array", dict: "a table",
    }.get(type(value), f"a {type(value).__name__}")


def _span(low: int, high: int) -> str:
    return f"{low} points" if low == high else f"{low}–{high} points"


def _has_levels(data: dict[str, Any]) -> bool:
    """Whether any index of the (not yet validated) data gives levels."""
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        return False
    return any(
        isinstance(index, dict) and "levels" in index
        for criterion in criteria if isinstance(criterion, dict) and isinstance(criterion.get("indices"), list)
        for index in criterion["indices"]
    )


class _Parser:
    def __init__(self, file: str):
        self.file = file

    def fail(self, place: str, problem: str) -> NoReturn:
        raise CriteriaError(self.file, place, problem)

    # -- primitives

    def keys(self, table: Any, place: str, required: set[str],
             optional: frozenset[str] | set[str] = frozenset()) -> dict:
        if not isinstance(table, dict):
            self.fail(place or "file", f"expected a table, got {_type_name(table)}")
        prefix = f"{place}." if place else ""
        for key in table:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted(required | optional))
                self.fail(f"{prefix}{key}", f"unknown key (allowed here: {allowed})")
        for key in sorted(required):
            if key not in table:
                self.fail(f"{prefix}{key}", "required key is missing")
        return table

    def string(self, table: dict, key: str, place: str) -> str:
        value = table[key]
        where = f"{place}.{key}" if place else key
        if not isinstance(value, str):
            self.fail(where, f"expected a string, got {_type_name(value)}")
        if not value.strip():
            self.fail(where, "must not be empty")
        if value != value.strip():
            self.fail(where, "must not start or end with spaces")
        return value

    def integer(self, value: Any, where: str, low: int | None = None, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"expected an integer, got {_type_name(value)}")
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(where, f"{value} is out of range {low}..{high}")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, f"expected true or false, got {_type_name(value)}")
        return value

    def array(self, value: Any, where: str) -> list:
        if not isinstance(value, list):
            self.fail(where, f"expected an array, got {_type_name(value)}")
        if not value:
            self.fail(where, "must not be empty")
        return value

    # -- the file

    def parse(self, data: dict[str, Any], digest: str) -> CriteriaSet:
        self.keys(data, "", ROOT_REQUIRED, ROOT_OPTIONAL)
        head = {k: self.string(data, k, "") for k in
                ("code", "version", "title", "group_label", "source", "verified_note", "answer_kind")}
        if not VERSION_RE.match(head["version"]):
            self.fail("version", 'must be numbers separated by dots, like "2023.1"')
        verified = self.boolean(data["verified"], "verified")
        answer_kind = head["answer_kind"]
        if answer_kind not in ANSWER_KINDS:
            self.fail("answer_kind", f'must be "points" or "boolean", got "{answer_kind}"')

        scale, declared = self.scale(data, answer_kind)
        instruction = self.string(data, "instruction", "") if "instruction" in data else None
        criteria = self.criteria(data["criteria"], answer_kind, scale)
        if declared and scale == "levels":
            for ci, criterion in enumerate(criteria):
                for ii, index in enumerate(criterion.indices):
                    if not index.levels:
                        self.fail(f"criteria[{ci}].indices[{ii}].levels",
                                  'required key is missing (a "levels" scale allows only described levels)')
        structure = Structure(
            tuple(CriterionSpec(c.code, tuple(i.code for i in c.indices)) for c in criteria),
            tuple(IndexSpec(i.code, c.code, i.max_points) for c in criteria for i in c.indices),
            "boolean" if answer_kind == "boolean" else "points",
        )
        rule = self.rule(data["rule"], answer_kind, structure)
        return CriteriaSet(
            code=head["code"], version=head["version"], title=head["title"],
            group_label=head["group_label"], source=head["source"], verified=verified,
            verified_note=head["verified_note"], answer_kind=answer_kind,
            criteria=criteria, rule=rule, structure=structure, digest=digest,
            scale=scale, instruction=instruction,
        )

    def scale(self, data: dict[str, Any], answer_kind: str) -> tuple[str, bool]:
        """The file's scale and whether it declared one; undeclared: "levels" if any index has levels."""
        if "scale" not in data:
            return ("levels" if _has_levels(data) else "whole"), False
        if answer_kind != "points":
            self.fail("scale", "only points sets declare a scale (boolean answers are always 0 or 1)")
        table = self.keys(data["scale"], "scale", SCALE_KEYS)
        kind = self.string(table, "kind", "scale")
        if kind not in SCALE_KINDS:
            self.fail("scale.kind", f'must be "whole" or "levels", got "{kind}"')
        return kind, True

    def criteria(self, value: Any, answer_kind: str, scale: str) -> tuple[Criterion, ...]:
        seen_criteria: dict[str, str] = {}
        seen_indices: dict[str, str] = {}
        out = []
        for ci, ctable in enumerate(self.array(value, "criteria")):
            cplace = f"criteria[{ci}]"
            self.keys(ctable, cplace, CRITERION_REQUIRED, CRITERION_OPTIONAL)
            ccode = self.string(ctable, "code", cplace)
            if ccode in seen_criteria:
                self.fail(f"{cplace}.code",
                          f'duplicate criterion code "{ccode}" (already used by {seen_criteria[ccode]})')
            seen_criteria[ccode] = cplace
            title = self.string(ctable, "title", cplace)
            subtitle = self.string(ctable, "subtitle", cplace) if "subtitle" in ctable else None
            indices = []
            for ii, itable in enumerate(self.array(ctable["indices"], f"{cplace}.indices")):
                iplace = f"{cplace}.indices[{ii}]"
                index = self.index(itable, iplace, answer_kind, scale)
                if index.code in seen_indices:
                    self.fail(f"{iplace}.code",
                              f'duplicate index code "{index.code}" (already used by {seen_indices[index.code]})')
                seen_indices[index.code] = iplace
                indices.append(index)
            out.append(Criterion(ccode, title, tuple(indices), subtitle))
        return tuple(out)

    def index(self, itable: Any, place: str, answer_kind: str, scale: str) -> Index:
        self.keys(itable, place, INDEX_REQUIRED, INDEX_OPTIONAL)
        code = self.string(itable, "code", place)
        title = self.string(itable, "title", place)
        description = self.string(itable, "description", place)
        if answer_kind == "points":
            if "max_points" not in itable:
                self.fail(f"{place}.max_points", "required key is missing (points sets give each index a maximum)")
            max_points = self.integer(itable["max_points"], f"{place}.max_points", 1, 1000)
        else:
            max_points = 1
            if "max_points" in itable:
                self.integer(itable["max_points"], f"{place}.max_points", 1, 1)
        evidence = self.evidence(itable, place)
        hint = self.string(itable, "evidence_hint", place) if "evidence_hint" in itable else None
        if scale == "whole":
            bands = self.bands(itable.get("levels"), f"{place}.levels", max_points)
            return Index(code, title, description, max_points, (), bands, evidence, hint)
        levels = self.levels(itable.get("levels"), f"{place}.levels", max_points)
        bands = tuple(Band(lv.points, lv.points, lv.label, lv.description) for lv in levels)
        return Index(code, title, description, max_points, levels, bands, evidence, hint)

    def evidence(self, itable: dict, place: str) -> bool:
        if "evidence" not in itable:
            return False
        value = itable["evidence"]
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in EVIDENCE_WORDS:
            return EVIDENCE_WORDS[value]
        shown = f'"{value}"' if isinstance(value, str) else _type_name(value)
        self.fail(f"{place}.evidence", f'must be "required", "optional", true or false, got {shown}')

    def levels(self, value: Any, place: str, max_points: int) -> tuple[Level, ...]:
        if value is None:
            return ()
        out: list[Level] = []
        for li, ltable in enumerate(self.array(value, place)):
            lplace = f"{place}[{li}]"
            if isinstance(ltable, dict) and ("min" in ltable or "max" in ltable):
                key = "min" if "min" in ltable else "max"
                self.fail(f"{lplace}.{key}", 'a band (min and max) needs [scale] kind = "whole" at the top of the file')
            self.keys(ltable, lplace, LEVEL_KEYS)
            points = self.integer(ltable["points"], f"{lplace}.points", 0, max_points)
            if out and points <= out[-1].points:
                self.fail(f"{lplace}.points",
                          "levels must be in increasing order of points without repeats "
                          f"({points} after {out[-1].points})")
            out.append(Level(points, self.string(ltable, "label", lplace), self.string(ltable, "description", lplace)))
        if out[0].points != 0:
            self.fail(f"{place}[0].points", f"the first level must be 0 points, got {out[0].points}")
        if out[-1].points != max_points:
            self.fail(f"{place}[{len(out) - 1}].points",
                      f"the last level must be max_points ({max_points}), got {out[-1].points}")
        return tuple(out)

    def bands(self, value: Any, place: str, max_points: int) -> tuple[Band, ...]:
        """Bands must run from 0 to max_points with no gap and no overlap, in order."""
        if value is None:
            return ()
        out: list[Band] = []
        for bi, btable in enumerate(self.array(value, place)):
            bplace = f"{place}[{bi}]"
            if isinstance(btable, dict) and "points" in btable:
                self.fail(f"{bplace}.points",
                          'in a "whole" scale a level is a band: give min and max instead of points')
            self.keys(btable, bplace, BAND_KEYS)
            low = self.integer(btable["min"], f"{bplace}.min", 0, max_points)
            high = self.integer(btable["max"], f"{bplace}.max", 0, max_points)
            if high < low:
                self.fail(f"{bplace}.max", f"max {high} is below min {low}")
            self.band_follows(out[-1] if out else None, low, high, f"{bplace}.min")
            label = self.string(btable, "label", bplace)
            out.append(Band(low, high, label, self.string(btable, "description", bplace)))
        if out[-1].max != max_points:
            self.fail(f"{place}[{len(out) - 1}].max",
                      f"the last band must end at max_points ({max_points}), got {out[-1].max}")
        return tuple(out)

    def band_follows(self, before: Band | None, low: int, high: int, where: str) -> None:
        """A band starts at 0, or right after the band before it."""
        if before is None:
            if low != 0:
                self.fail(where, f"the first band must start at 0 points, got {low}")
        elif low <= before.max:
            self.fail(where, f"band {low}–{high} overlaps the band before it ({before.min}–{before.max})")
        elif low > before.max + 1:
            self.fail(where, f"gap: no band holds {_span(before.max + 1, low - 1)} "
                             f"(the band before ends at {before.max})")

    # -- the rule

    def rule(self, value: Any, answer_kind: str, structure: Structure) -> PointsRule | CountRule:
        if not isinstance(value, dict):
            self.fail("rule", f"expected a table, got {_type_name(value)}")
        if "kind" not in value:
            self.fail("rule.kind", "required key is missing")
        kind = self.string(value, "kind", "rule")
        expected = ANSWER_KINDS[answer_kind]
        if kind not in ("points", "count"):
            self.fail("rule.kind", f'must be "points" or "count", got "{kind}"')
        if kind != expected:
            self.fail("rule.kind", f'a set with answer_kind = "{answer_kind}" needs a "{expected}" rule, got "{kind}"')
        if kind == "points":
            return self.points_rule(value, structure)
        return self.count_rule(value, structure)

    def points_rule(self, table: dict, structure: Structure) -> PointsRule:
        self.keys(table, "rule", {"kind"}, POINTS_RULE_KEYS - {"kind"})
        if not (POINTS_RULE_KEYS - {"kind"}) & table.keys():
            self.fail("rule", "a points rule needs total_min, index_min or criterion_min")
        total_min = index_min = None
        if "total_min" in table:
            total_min = self.integer(table["total_min"], "rule.total_min", 0, structure.max_total)
        if "index_min" in table:
            lowest = min(i.max_points for i in structure.indices)
            index_min = self.integer(table["index_min"], "rule.index_min", 0, lowest)
        criterion_min: dict[str, int] = {}
        if "criterion_min" in table:
            cm = table["criterion_min"]
            if not isinstance(cm, dict):
                self.fail("rule.criterion_min", f"expected a table of criterion code = points, got {_type_name(cm)}")
            codes = [c.code for c in structure.criteria]
            for ccode, need in cm.items():
                where = f"rule.criterion_min.{ccode}"
                if ccode not in codes:
                    self.fail(where, f'unknown criterion "{ccode}" (known: {", ".join(codes)})')
                criterion_min[ccode] = self.integer(need, where, 0, structure.criterion_max(ccode))
        return PointsRule(total_min, index_min, criterion_min)

    def count_rule(self, table: dict, structure: Structure) -> CountRule:
        self.keys(table, "rule", {"kind"}, COUNT_RULE_KEYS - {"kind"})
        per_k: dict[str, int] = {}
        if "per_criterion_k" in table:
            pk = table["per_criterion_k"]
            if not isinstance(pk, dict):
                self.fail("rule.per_criterion_k", f"expected a table of criterion code = k, got {_type_name(pk)}")
            codes = [c.code for c in structure.criteria]
            for ccode, k in pk.items():
                where = f"rule.per_criterion_k.{ccode}"
                if ccode not in codes:
                    self.fail(where, f'unknown criterion "{ccode}" (known: {", ".join(codes)})')
                per_k[ccode] = self.integer(k, where, 1, len(structure.criterion(ccode).index_codes))
        mandatory: list[str] = []
        if "mandatory" in table:
            known = [i.code for i in structure.indices]
            for mi, icode in enumerate(self.array(table["mandatory"], "rule.mandatory")):
                where = f"rule.mandatory[{mi}]"
                if not isinstance(icode, str):
                    self.fail(where, f"expected an index code string, got {_type_name(icode)}")
                if icode not in known:
                    self.fail(where, f'unknown index "{icode}" (known: {", ".join(known)})')
                if icode in mandatory:
                    self.fail(where, f'index "{icode}" is listed twice')
                mandatory.append(icode)
        all_required = False
        if "all_criteria_required" in table:
            all_required = self.boolean(table["all_criteria_required"], "rule.all_criteria_required")
        if not (per_k or mandatory or all_required):
            self.fail("rule", "a count rule needs per_criterion_k, mandatory or all_criteria_required = true")
        return CountRule(per_k, tuple(mandatory), all_required)
