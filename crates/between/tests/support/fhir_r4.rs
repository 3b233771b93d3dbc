//! A FHIR R4 checker for what Between writes, element by element, against
//! the R4 (4.0.1) definitions in `fixtures/fhir/r4-elements.json` (made by
//! `scripts/fhir-r4-elements.py`): every key is an element of its type,
//! cardinality (min, max; arrays never empty), one of each `[x]` choice,
//! primitives by R4's regular expressions and JSON types, required
//! bindings' codes, nested data types and resources; then the invariants
//! of Questionnaire (que-0 to que-13 as far as Between's items reach),
//! QuestionnaireResponse (qrs-1, qrs-2) and Bundle (bdl-7), and that a
//! response fits the Questionnaire it references.

use std::collections::{HashMap, HashSet};

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct Element {
    name: String,
    min: u32,
    max: String,
    #[serde(rename = "type")]
    ty: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    choice: Option<String>,
    codes: Option<Vec<String>>,
    elements: Option<Vec<Element>>,
}

#[derive(Debug, Deserialize)]
struct TypeDef {
    kind: String,
    elements: Vec<Element>,
}

#[derive(Debug, Deserialize)]
struct Fixture {
    primitives: Vec<String>,
    types: HashMap<String, TypeDef>,
}

pub struct R4 {
    fixture: Fixture,
    patterns: HashMap<&'static str, Regex>,
}

/// R4's regular expressions of the primitives written as JSON strings
/// (http://hl7.org/fhir/R4/datatypes.html).
const PATTERNS: [(&str, &str); 14] = [
    ("base64Binary", r"(\s*([0-9a-zA-Z\+/=]){4}\s*)+"),
    ("canonical", r"\S*"),
    ("code", r"[^\s]+(\s[^\s]+)*"),
    (
        "date",
        r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?",
    ),
    (
        "dateTime",
        r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?",
    ),
    ("id", r"[A-Za-z0-9\-\.]{1,64}"),
    (
        "instant",
        r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
    ),
    ("markdown", r"(?s)\s*(\S|\s)*"),
    ("oid", r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+"),
    ("string", r"[ \r\n\t\S]+"),
    (
        "time",
        r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?",
    ),
    ("uri", r"\S*"),
    ("url", r"\S*"),
    (
        "uuid",
        r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
];

impl R4 {
    pub fn load() -> R4 {
        let fixture: Fixture =
            serde_json::from_str(include_str!("../fixtures/fhir/r4-elements.json"))
                .expect("the R4 fixture reads");
        let patterns = PATTERNS
            .iter()
            .map(|(name, re)| (*name, Regex::new(&format!("^(?:{re})$")).expect("R4 regex")))
            .collect();
        R4 { fixture, patterns }
    }

    /// Every way `resource` falls short of R4, each with its path.
    pub fn check(&self, resource: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.resource(resource, "", &mut problems);
        problems
    }

    fn resource(&self, v: &Value, path: &str, out: &mut Vec<String>) {
        let Some(ty) = v["resourceType"].as_str() else {
            out.push(format!("{path}: a resource without resourceType"));
            return;
        };
        let path = if path.is_empty() {
            ty.to_string()
        } else {
            format!("{path}({ty})")
        };
        match self.fixture.types.get(ty) {
            Some(def) if def.kind == "resource" => {
                self.object(v, &def.elements, &path, true, out);
                self.invariants(ty, v, &path, out);
            }
            _ => out.push(format!("{path}: {ty} is not a resource this checker knows")),
        }
    }

    /// The elements of a backbone element a `ref` (`Questionnaire.item`) names.
    fn resolve(&self, reference: &str) -> Option<&Vec<Element>> {
        let mut parts = reference.split('.');
        let mut elements = &self.fixture.types.get(parts.next()?)?.elements;
        for part in parts {
            elements = elements
                .iter()
                .find(|e| e.name == part)?
                .elements
                .as_ref()?;
        }
        Some(elements)
    }

    fn object(
        &self,
        v: &Value,
        elements: &[Element],
        path: &str,
        is_resource: bool,
        out: &mut Vec<String>,
    ) {
        let Some(obj) = v.as_object() else {
            out.push(format!("{path}: expected an object, found {v}"));
            return;
        };
        if obj.is_empty() {
            out.push(format!(
                "{path}: an empty object (R4 has no empty elements)"
            ));
        }
        for key in obj.keys() {
            if is_resource && key == "resourceType" {
                continue;
            }
            let name = key.strip_prefix('_').unwrap_or(key);
            let Some(e) = elements.iter().find(|e| e.name == name) else {
                out.push(format!("{path}.{key}: not an element here"));
                continue;
            };
            if key.starts_with('_') && !e.ty.as_ref().is_some_and(|t| self.is_primitive(t)) {
                out.push(format!("{path}.{key}: only primitives have _ elements"));
            }
        }
        let mut choices: HashMap<&str, (Vec<&str>, bool)> = HashMap::new();
        for e in elements {
            let present = obj.get(&e.name);
            if let Some(group) = &e.choice {
                let slot = choices.entry(group).or_default();
                slot.1 |= e.min > 0;
                if present.is_some() {
                    slot.0.push(&e.name);
                }
            } else if e.min > 0 && present.is_none() {
                out.push(format!("{path}.{}: required, missing", e.name));
            }
            let Some(value) = present else { continue };
            let here = format!("{path}.{}", e.name);
            let values: Vec<&Value> = match (e.max.as_str(), value) {
                ("1", Value::Array(_)) => {
                    out.push(format!("{here}: at most one, found an array"));
                    continue;
                }
                ("1", one) => vec![one],
                (_, Value::Array(many)) if many.is_empty() => {
                    out.push(format!("{here}: an empty array"));
                    continue;
                }
                (_, Value::Array(many)) => many.iter().collect(),
                (_, one) => {
                    out.push(format!("{here}: repeats, so must be an array, found {one}"));
                    continue;
                }
            };
            if (e.min as usize) > values.len() {
                out.push(format!("{here}: at least {}", e.min));
            }
            for (n, item) in values.into_iter().enumerate() {
                let at = if e.max == "1" {
                    here.clone()
                } else {
                    format!("{here}[{n}]")
                };
                self.value(e, item, &at, out);
            }
        }
        for (group, (found, required)) in choices {
            if found.len() > 1 {
                out.push(format!("{path}: more than one {group}: {found:?}"));
            }
            if required && found.is_empty() {
                out.push(format!("{path}: {group} is required"));
            }
        }
    }

    fn is_primitive(&self, ty: &str) -> bool {
        self.fixture.primitives.iter().any(|p| p == ty)
    }

    fn value(&self, e: &Element, v: &Value, path: &str, out: &mut Vec<String>) {
        if let Some(reference) = &e.reference {
            match self.resolve(reference) {
                Some(elements) => self.object(v, elements, path, false, out),
                None => out.push(format!("{path}: unknown reference {reference}")),
            }
            return;
        }
        let ty = e.ty.as_deref().unwrap_or_default();
        if let Some(elements) = &e.elements {
            self.object(v, elements, path, false, out);
        } else if ty == "Resource" {
            self.resource(v, path, out);
        } else if self.is_primitive(ty) {
            self.primitive(ty, v, path, out);
        } else if let Some(def) = self.fixture.types.get(ty) {
            self.object(v, &def.elements, path, false, out);
        } else {
            out.push(format!("{path}: type {ty} is not in the fixture"));
        }
        if let (Some(codes), Some(code)) = (&e.codes, v.as_str()) {
            if !codes.iter().any(|c| c == code) {
                out.push(format!("{path}: {code:?} is not in its required value set"));
            }
        }
    }

    fn primitive(&self, ty: &str, v: &Value, path: &str, out: &mut Vec<String>) {
        let ok = match ty {
            "boolean" => v.is_boolean(),
            "integer" => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            "unsignedInt" => v.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
            "positiveInt" => v
                .as_u64()
                .is_some_and(|n| n > 0 && u32::try_from(n).is_ok()),
            "decimal" => v.is_number(),
            "xhtml" => v.as_str().is_some_and(|s| s.starts_with("<div")),
            other => match (v.as_str(), self.patterns.get(other)) {
                (Some(s), Some(re)) => re.is_match(s) && !s.trim().is_empty(),
                _ => false,
            },
        };
        if !ok {
            out.push(format!("{path}: {v} is not a valid {ty}"));
        }
    }

    fn invariants(&self, ty: &str, v: &Value, path: &str, out: &mut Vec<String>) {
        match ty {
            "Questionnaire" => questionnaire_invariants(v, path, out),
            "QuestionnaireResponse" => {
                let mut stack: Vec<&Value> = items(&v["item"]).collect();
                while let Some(item) = stack.pop() {
                    if item.get("item").is_some() && item.get("answer").is_some() {
                        out.push(format!(
                            "{path}: qrs-1, item {} has both items and answers",
                            item["linkId"]
                        ));
                    }
                    stack.extend(items(&item["item"]));
                }
            }
            "Bundle" => {
                let mut seen = HashSet::new();
                for url in items(&v["entry"]).filter_map(|e| e["fullUrl"].as_str()) {
                    if !seen.insert(url) {
                        out.push(format!("{path}: bdl-7, fullUrl {url} twice"));
                    }
                }
            }
            _ => {}
        }
    }
}

fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

fn questionnaire_invariants(q: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(name) = q["name"].as_str() {
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            out.push(format!("{path}: que-0, name {name:?} is not an identifier"));
        }
    }
    let mut links = HashSet::new();
    let mut stack: Vec<&Value> = items(&q["item"]).collect();
    while let Some(item) = stack.pop() {
        let link = item["linkId"].as_str().unwrap_or_default();
        let ty = item["type"].as_str().unwrap_or_default();
        let has_items = item.get("item").is_some();
        if (ty == "group") != has_items && (ty == "group" || ty == "display") {
            out.push(format!(
                "{path}: que-1, {link}: groups have items, display items none"
            ));
        }
        if !links.insert(link.to_string()) {
            out.push(format!("{path}: que-2, linkId {link} twice"));
        }
        if ty == "display" && item.get("code").is_some() {
            out.push(format!("{path}: que-3, display item {link} has a code"));
        }
        let options = item.get("answerOption").is_some();
        if options && item.get("answerValueSet").is_some() {
            out.push(format!(
                "{path}: que-4, {link} has answerOption and answerValueSet"
            ));
        }
        if (options || item.get("answerValueSet").is_some())
            && !["choice", "open-choice"].contains(&ty)
        {
            out.push(format!("{path}: que-5, {link} is {ty} with answers"));
        }
        if ty == "display" && (item.get("required").is_some() || item.get("repeats").is_some()) {
            out.push(format!(
                "{path}: que-6, display item {link} is required or repeats"
            ));
        }
        if ["group", "display"].contains(&ty) && item.get("initial").is_some() {
            out.push(format!("{path}: que-8, {link} has an initial value"));
        }
        if ty == "display" && item.get("readOnly").is_some() {
            out.push(format!("{path}: que-9, display item {link} is read-only"));
        }
        if options && item.get("initial").is_some() {
            out.push(format!(
                "{path}: que-11, {link} has answerOption and initial"
            ));
        }
        if items(&item["enableWhen"]).count() > 1 && item.get("enableBehavior").is_none() {
            out.push(format!("{path}: que-12, {link} needs enableBehavior"));
        }
        stack.extend(items(&item["item"]));
    }
}

/// How a QuestionnaireResponse falls short of the Questionnaire it
/// references: link ids it does not have, text that differs, answers of
/// the wrong type or not among the options, required questions without
/// an answer, more than one answer where the item does not repeat (qrs-2).
pub fn fits(response: &Value, questionnaire: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut defined: HashMap<&str, &Value> = HashMap::new();
    let mut stack: Vec<&Value> = items(&questionnaire["item"]).collect();
    while let Some(item) = stack.pop() {
        defined.insert(item["linkId"].as_str().unwrap_or_default(), item);
        stack.extend(items(&item["item"]));
    }
    let mut answered = HashSet::new();
    for item in items(&response["item"]) {
        let link = item["linkId"].as_str().unwrap_or_default();
        let Some(def) = defined.get(link) else {
            out.push(format!("{link}: not an item of the questionnaire"));
            continue;
        };
        if item.get("text").is_some() && item["text"] != def["text"] {
            out.push(format!("{link}: text differs from the questionnaire's"));
        }
        let answers: Vec<&Value> = items(&item["answer"]).collect();
        if answers.len() > 1 && def["repeats"] != true {
            out.push(format!(
                "{link}: qrs-2, several answers to an item that does not repeat"
            ));
        }
        if !answers.is_empty() {
            answered.insert(link);
        }
        for answer in answers {
            match def["type"].as_str().unwrap_or_default() {
                "choice" => {
                    let coding = &answer["valueCoding"];
                    let listed = items(&def["answerOption"]).any(|o| {
                        o["valueCoding"]["system"] == coding["system"]
                            && o["valueCoding"]["code"] == coding["code"]
                    });
                    if !listed {
                        out.push(format!(
                            "{link}: answer {coding} is not one of its answerOptions"
                        ));
                    }
                }
                "integer" if answer.get("valueInteger").is_none() => {
                    out.push(format!("{link}: an integer item answered with {answer}"));
                }
                "display" | "group" => out.push(format!("{link}: a {} item answered", def["type"])),
                _ => {}
            }
        }
    }
    for (link, def) in &defined {
        if def["required"] == true && !answered.contains(link) {
            out.push(format!("{link}: required, not answered"));
        }
    }
    out
}
