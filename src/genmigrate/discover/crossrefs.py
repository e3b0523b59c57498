"""Hazards that need the whole repository: helpers shared by name, subclasses, string and config references."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from genmigrate.discover.clients import Parsed
from genmigrate.model import Dependent, Hazard


def same_name_helpers(parsed: Sequence[Parsed]) -> dict[str, list[Hazard]]:
    """Module-level functions defined with different bodies in several client modules."""
    bodies: dict[str, list[tuple[Parsed, int, str]]] = defaultdict(list)
    for item in parsed:
        for _, node in item.graph.functions():
            body = item.graph.code(node.body[0], node.body[-1])
            bodies[node.name].append((item, node.lineno, body))
    found: dict[str, list[Hazard]] = defaultdict(list)
    for name, defs in bodies.items():
        for item, line, body in defs:
            others = sorted({o.path for o, _, b in defs if o is not item and b != body})
            if others:
                message = f"helper {name}() also defined with a different body in {', '.join(others)}: never merge"
                found[item.module].append(Hazard("same-name-helper", line, message))
    return found


def dependent_hazards(dependents: Sequence[Dependent], class_lines: dict[str, int]) -> list[Hazard]:
    """Hazards of a client module read off its dependents, placed on the line of the class concerned."""
    hazards: list[Hazard] = []
    seen: set[tuple[str, str, int]] = set()
    for dep in dependents:
        where = f"{dep.path}:{dep.line}"
        if (dep.kind, dep.path, dep.line) in seen:
            continue
        seen.add((dep.kind, dep.path, dep.line))
        name = dep.target.rsplit(".", 1)[-1]
        line = class_lines.get(name)
        if line is None:
            continue
        if dep.kind == "subclass":
            hazards.append(Hazard("subclass-elsewhere", line, f"{dep.form} subclasses {name} in {where}"))
        elif dep.kind == "string-ref" and dep.form == "name-compare":
            hazards.append(Hazard("name-compare", line, f"{where} compares __name__ to {name!r}"))
        elif dep.kind == "config-ref":
            hazards.append(Hazard("config-class-string", line, f"{where} ({dep.form}) names class {name}"))
    return hazards
