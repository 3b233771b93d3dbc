#!/usr/bin/env python3
"""Writes the FHIR R4 (4.0.1) element definitions that Between's FHIR
export is checked against (crates/between/tests/fixtures/fhir/r4-elements.json):
for Bundle, Questionnaire, QuestionnaireResponse and every data type they
reach, each element's name, type, cardinality, choice group and, for
required bindings, the allowed codes.

The source is the R4 StructureDefinitions as parsed by FHIR.js (the npm
package `fhir`, 4.12.0: profiles/types.json and profiles/valuesets.json);
the definitions themselves are HL7's, published under CC0. Run once when
the fixture needs to change:

    npm pack fhir@4.12.0 && tar xzf fhir-4.12.0.tgz
    python3 scripts/fhir-r4-elements.py package/profiles > crates/between/tests/fixtures/fhir/r4-elements.json
"""
import json
import sys

ROOTS = ["Bundle", "Questionnaire", "QuestionnaireResponse"]


def main(profiles):
    with open(f"{profiles}/types.json") as f:
        types = json.load(f)
    with open(f"{profiles}/valuesets.json") as f:
        valuesets = json.load(f)
    primitives = sorted(k for k, v in types.items() if v["_kind"] == "primitive-type")
    wanted, out = list(ROOTS) + ["Element"], {}

    def codes(prop):
        if prop.get("_valueSetStrength") != "required":
            return None
        url = prop.get("_valueSet", "").split("|")[0]
        vs = valuesets.get(url)
        if vs is None:
            return None
        found = []
        for system in vs.get("systems", []):
            found.extend(c["code"] for c in system.get("codes", []))
        return sorted(set(found)) or None

    def elements(props):
        result = []
        for p in props:
            name = p["_name"]
            if name.startswith("_"):
                continue  # a primitive's id and extensions: checked as Element
            e = {"name": name, "min": 1 if p.get("_required") else 0,
                 "max": "*" if p.get("_multiple") else "1"}
            t = p["_type"]
            if t.startswith("#"):
                e["ref"] = t[1:]
            else:
                e["type"] = t
                if t not in primitives and t not in ("Resource", "BackboneElement") and t not in wanted:
                    wanted.append(t)
            if "_choice" in p:
                e["choice"] = p["_choice"]
            allowed = codes(p)
            if allowed:
                e["codes"] = allowed
            if t == "BackboneElement" or (t == "Element" and p.get("_properties")):
                e["elements"] = elements(p.get("_properties", []))
            result.append(e)
        return result

    while len(out) < len(wanted):
        for name in list(wanted):
            if name in out:
                continue
            t = types[name]
            out[name] = {"kind": t["_kind"], "elements": elements(t["_properties"])}
    json.dump({
        "about": "FHIR R4 4.0.1 element definitions (HL7, CC0) for Bundle, Questionnaire, "
                 "QuestionnaireResponse and the data types they reach, extracted by "
                 "scripts/fhir-r4-elements.py from FHIR.js 4.12.0's parsed StructureDefinitions.",
        "primitives": primitives,
        "types": dict(sorted(out.items())),
    }, sys.stdout, indent=0, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
