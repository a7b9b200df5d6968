"""Validate the parsed TOML of a criteria file and build a CriteriaSet.

Every problem is reported as CriteriaError(file, place, problem) where place is a path
inside the file such as `criteria[2].indices[1].levels[0].points`.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from criteria.model import CriteriaError, CriteriaSet, Criterion, Index, Level
from scoring import CountRule, CriterionSpec, IndexSpec, PointsRule, Structure

VERSION_RE = re.compile(r"^\d+(\.\d+)*$")
ANSWER_KINDS = {"points": "points", "boolean": "count"}  # answer kind -> rule kind

ROOT_KEYS = {
    "code", "version", "title", "group_label", "source", "verified", "verified_note",
    "answer_kind", "rule", "criteria",
}
CRITERION_KEYS = {"code", "title", "indices"}
INDEX_REQUIRED = {"code", "title", "description"}
INDEX_OPTIONAL = {"max_points", "levels"}
LEVEL_KEYS = {"points", "label", "description"}
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
        self.keys(data, "", ROOT_KEYS)
        head = {k: self.string(data, k, "") for k in
                ("code", "version", "title", "group_label", "source", "verified_note", "answer_kind")}
        if not VERSION_RE.match(head["version"]):
            self.fail("version", 'must be numbers separated by dots, like "2023.1"')
        verified = self.boolean(data["verified"], "verified")
        answer_kind = head["answer_kind"]
        if answer_kind not in ANSWER_KINDS:
            self.fail("answer_kind", f'must be "points" or "boolean", got "{answer_kind}"')

        criteria = self.criteria(data["criteria"], answer_kind)
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
        )

    def criteria(self, value: Any, answer_kind: str) -> tuple[Criterion, ...]:
        seen_criteria: dict[str, str] = {}
        seen_indices: dict[str, str] = {}
        out = []
        for ci, ctable in enumerate(self.array(value, "criteria")):
            cplace = f"criteria[{ci}]"
            self.keys(ctable, cplace, CRITERION_KEYS)
            ccode = self.string(ctable, "code", cplace)
            if ccode in seen_criteria:
                self.fail(f"{cplace}.code",
                          f'duplicate criterion code "{ccode}" (already used by {seen_criteria[ccode]})')
            seen_criteria[ccode] = cplace
            title = self.string(ctable, "title", cplace)
            indices = []
            for ii, itable in enumerate(self.array(ctable["indices"], f"{cplace}.indices")):
                iplace = f"{cplace}.indices[{ii}]"
                index = self.index(itable, iplace, answer_kind)
                if index.code in seen_indices:
                    self.fail(f"{iplace}.code",
                              f'duplicate index code "{index.code}" (already used by {seen_indices[index.code]})')
                seen_indices[index.code] = iplace
                indices.append(index)
            out.append(Criterion(ccode, title, tuple(indices)))
        return tuple(out)

    def index(self, itable: Any, place: str, answer_kind: str) -> Index:
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
        levels = self.levels(itable.get("levels"), f"{place}.levels", max_points)
        return Index(code, title, description, max_points, levels)

    def levels(self, value: Any, place: str, max_points: int) -> tuple[Level, ...]:
        if value is None:
            return ()
        out: list[Level] = []
        for li, ltable in enumerate(self.array(value, place)):
            lplace = f"{place}[{li}]"
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
