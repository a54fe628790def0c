//! What derives from an attribute table: values by name, the checks of a configuration (computed
//! attributes set, attributes of another type, required ones missing, allowed values), replacements,
//! the generated configuration, the identity, and the computed attributes made unknown.

use std::collections::HashMap;

use serde::Serialize;
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::attr::{Attr, AttrType, Nesting, Replaces, Role};
use crate::diag;

/// Each top-level value of a state, configuration or plan, by attribute name, as JSON (an unknown value
/// shows as a non-null marker).
pub fn values_of(value: &impl Serialize) -> HashMap<String, serde_json::Value> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
        _ => HashMap::new(),
    }
}

/// A string, number or boolean attribute's value from [`values_of`], as text (anything else, such as
/// the marker of an unknown value, is unknown).
pub fn string_value(values: &HashMap<String, serde_json::Value>, name: &str) -> Value<String> {
    match values.get(name) {
        None | Some(serde_json::Value::Null) => Value::Null,
        Some(serde_json::Value::String(s)) => Value::Value(s.clone()),
        Some(serde_json::Value::Number(n)) => Value::Value(n.to_string()),
        Some(serde_json::Value::Bool(b)) => Value::Value(b.to_string()),
        Some(_) => Value::Unknown,
    }
}

/// The write-only attributes of a table, each with the attribute to use instead on an older Terraform.
pub fn write_only(table: &[Attr]) -> Vec<(String, String)> {
    table
        .iter()
        .filter_map(|a| {
            a.write_only
                .map(|instead| (a.name.to_owned(), instead.to_owned()))
        })
        .collect()
}

/// Errors for every computed-only attribute the configuration sets: Terraform 1.0.3 does not reject
/// such values itself, and a plan that ignores them is then refused as inconsistent.
pub fn reject_computed(diags: &mut Diagnostics, table: &[Attr], config: &impl Serialize) {
    let values = values_of(config);
    for attr in table.iter().filter(|a| a.role == Role::Computed) {
        if values.get(attr.name).is_some_and(|v| !v.is_null()) {
            diag::error(
                diags,
                "Read-only attribute",
                format!(
                    "`{}` is computed by the provider and cannot be set in the configuration.",
                    attr.name
                ),
                diag::attr(attr.name),
            );
        }
    }
}

/// The attributes whose change replaces the object, going from `prior` to `planned` (or, for
/// [`Replaces::WhenConfigured`], to `config` when it sets them).
pub fn replacements(
    table: &[Attr],
    prior: &impl Serialize,
    planned: &impl Serialize,
    config: &impl Serialize,
) -> Vec<AttributePath> {
    let (prior, planned, config) = (values_of(prior), values_of(planned), values_of(config));
    table
        .iter()
        .filter(|attr| {
            let before = string_value(&prior, attr.name);
            match attr.replaces {
                Replaces::Never => false,
                Replaces::Always(rule) => rule.replaces(&before, &string_value(&planned, attr.name)),
                Replaces::WhenConfigured(rule) => match string_value(&config, attr.name) {
                    Value::Null => false,
                    configured => rule.replaces(&before, &configured),
                },
            }
        })
        .map(|attr| AttributePath::new(attr.name))
        .collect()
}

/// Checks a configuration of an object whose `type` is `kind` against the table: an attribute of
/// another type that is set, a required one of this type that is not, a value outside
/// [`Attr::one_of`] (spelled exactly, unless [`Attr::any_case`]), a value its [`Attr::check`] refuses. A value not known yet (`var.x`
/// under `terraform validate`) is neither set nor checked.
pub fn check_for_type(diags: &mut Diagnostics, table: &[Attr], config: &impl Serialize, kind: &str) {
    check_table(diags, table, &values_of(config), kind, None);
}

/// [`check_for_type`] over `values`, the attributes of `table` under `parent` (top level when `None`):
/// nested attributes are checked inside their object, and each string of a list by the list's check.
fn check_table(
    diags: &mut Diagnostics,
    table: &[Attr],
    values: &HashMap<String, serde_json::Value>,
    kind: &str,
    parent: Option<&AttributePath>,
) {
    for attr in table {
        let path = match parent {
            Some(parent) => parent.clone().attribute(attr.name),
            None => AttributePath::new(attr.name),
        };
        let value = string_value(values, attr.name);
        if let Some((belongs_to, why)) = attr.only_for {
            if belongs_to != kind {
                if value.is_value() {
                    misplaced(diags, attr.name, belongs_to, why, kind);
                }
                continue;
            }
        }
        match (&value, attr.required_for_type) {
            (Value::Null, Some(what)) => missing_for_type(diags, attr.name, kind, &what_to_give(attr, what)),
            (Value::Value(text), _) => check_value(diags, attr, text, path.clone()),
            _ => {}
        }
        match (attr.kind, values.get(attr.name)) {
            (AttrType::Nested(Nesting::Single, children), Some(serde_json::Value::Object(object))) => {
                let inner = object.clone().into_iter().collect();
                check_table(diags, &children(), &inner, kind, Some(&path));
            }
            (_, Some(serde_json::Value::Array(items))) if attr.check.is_some() => {
                for (index, item) in items.iter().enumerate() {
                    if let serde_json::Value::String(text) = item {
                        check_value(diags, attr, text, path.clone().index(index as i64));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Checks a configuration of a type that has no `type` attribute against the table: required values
/// missing, values outside [`Attr::one_of`], values [`Attr::check`] refuses.
pub fn check_values(diags: &mut Diagnostics, table: &[Attr], config: &impl Serialize) {
    check_for_type(diags, table, config, "");
}

fn misplaced(diags: &mut Diagnostics, name: &'static str, belongs_to: &str, why: Option<&str>, kind: &str) {
    let (summary, detail) = match why {
        Some(why) => (format!("Attribute not allowed for {kind}"), why.to_owned()),
        None => (
            "Attribute not allowed for this type".to_owned(),
            format!("{name} applies only to type = {belongs_to:?}; remove it for type = {kind:?}."),
        ),
    };
    diag::error(diags, summary, detail, diag::attr(name));
}

fn what_to_give(attr: &Attr, what: &str) -> String {
    match attr.one_of {
        Some(values) if what.is_empty() => format!("one of {}", values.join(", ")),
        _ => what.to_owned(),
    }
}

fn check_value(diags: &mut Diagnostics, attr: &Attr, text: &str, path: AttributePath) {
    let refused = match (attr.one_of, attr.check) {
        (Some(values), _) if !values.iter().any(|v| one_of_matches(attr, v, text)) => Some(format!(
            "unknown {} {text:?}: expected one of {}{}.",
            attr.name,
            values.join(", "),
            if attr.any_case { "" } else { ", spelled exactly so" }
        )),
        (_, Some(check)) => check(text).err(),
        _ => None,
    };
    if let Some(detail) = refused {
        diag::error(diags, format!("Invalid {}", attr.name), detail, Some(path));
    }
}

/// Whether `text` is the listed value `listed`: exactly, or in any case where the attribute allows it.
fn one_of_matches(attr: &Attr, listed: &str, text: &str) -> bool {
    match attr.any_case {
        true => listed.eq_ignore_ascii_case(text),
        false => listed == text,
    }
}

/// The error for an attribute a configuration of type `kind` must set: `what` says what to give.
pub fn missing_for_type(diags: &mut Diagnostics, name: &'static str, kind: &str, what: &str) {
    diag::error(
        diags,
        "Missing required attribute",
        format!("{name} is required when type = {kind:?}: {what}."),
        diag::attr(name),
    );
}

/// The configuration that adopts an existing object of `state` (as JSON): every attribute the table
/// marks [`Attr::generated`] that has a value, applies to the object's `type`, and differs from its
/// default in `defaults` (such as the provider's `account_id`). Never a computed value or a key.
pub fn generated_config(
    table: &[Attr],
    state: &serde_json::Value,
    defaults: &[(&str, &Value<String>)],
) -> serde_json::Map<String, serde_json::Value> {
    let kind = state.get("type").and_then(serde_json::Value::as_str);
    let is_default = |name: &str, value: &serde_json::Value| {
        defaults
            .iter()
            .any(|(n, default)| *n == name && default.as_ref_option().map(String::as_str) == value.as_str())
    };
    table
        .iter()
        .filter(|attr| attr.generated)
        .filter(|attr| {
            attr.only_for
                .is_none_or(|(belongs_to, _)| Some(belongs_to) == kind)
        })
        .filter_map(|attr| {
            let value = state.get(attr.name).filter(|v| !v.is_null())?;
            (!is_default(attr.name, value)).then(|| (attr.name.to_owned(), without_secrets(attr, value)))
        })
        .collect()
}

/// A nested attribute's value with each sensitive field null (Terraform writes it as `null #
/// sensitive`, for the user to fill in); any other value as it is. A secret never leaves in generated
/// configuration.
fn without_secrets(attr: &Attr, value: &serde_json::Value) -> serde_json::Value {
    let (AttrType::Nested(Nesting::Single, children), serde_json::Value::Object(object)) = (attr.kind, value)
    else {
        return value.clone();
    };
    let mut object = object.clone();
    for child in children().iter().filter(|child| child.sensitive) {
        if let Some(field) = object.get_mut(child.name) {
            *field = serde_json::Value::Null;
        }
    }
    serde_json::Value::Object(object)
}

/// The attributes of the resource identity, in table order: name, whether required, description.
pub fn identity_attributes(table: &[Attr]) -> Vec<(&'static str, bool, &'static str)> {
    table
        .iter()
        .filter_map(|attr| {
            attr.identity
                .map(|required| (attr.name, required, attr.description))
        })
        .collect()
}

/// A value that can be made unknown, whatever its type.
pub trait Unknowable {
    /// Makes it unknown.
    fn make_unknown(&mut self);
}

impl<T> Unknowable for Value<T> {
    fn make_unknown(&mut self) {
        *self = Value::Unknown;
    }
}

/// A state whose fields are reached by attribute name: one mapping line per attribute.
pub trait Fields {
    /// The field of attribute `name`, if the state has one.
    fn field_mut(&mut self, name: &str) -> Option<&mut dyn Unknowable>;
}

/// Makes every computed attribute of `table` unknown in `state` (a plan of a new object, or of a
/// replacement).
pub fn mark_computed_unknown(table: &[Attr], state: &mut impl Fields) {
    for attr in table.iter().filter(|a| a.role == Role::Computed) {
        if let Some(field) = state.field_mut(attr.name) {
            field.make_unknown();
        }
    }
}

/// The names a table declares, and the fields a state struct serializes, as sorted lists (for the
/// test that they are one and the same set).
#[cfg(test)]
pub fn names(table: &[Attr], blocks: &[&str], state: &impl Serialize) -> (Vec<String>, Vec<String>) {
    let mut declared: Vec<String> = table
        .iter()
        .map(|a| a.name.to_owned())
        .chain(blocks.iter().map(|b| (*b).to_owned()))
        .collect();
    declared.sort();
    let mut fields: Vec<String> = values_of(state).into_keys().collect();
    fields.sort();
    (declared, fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{AttrType, Compare, Replaces};

    fn v(s: &str) -> Value<String> {
        Value::Value(s.to_owned())
    }

    #[derive(Serialize, Default)]
    struct Thing {
        name: Value<String>,
        id: Value<String>,
        size: Value<String>,
    }

    const TABLE: [Attr; 3] = [
        Attr::new("name", AttrType::String, Role::Required, "n").replacing(Replaces::Always(Compare::Exact)),
        Attr::new("id", AttrType::String, Role::Computed, "i"),
        Attr::new("size", AttrType::String, Role::OptionalComputed, "s")
            .replacing(Replaces::WhenConfigured(Compare::CaseInsensitive)),
    ];

    #[test]
    fn computed_checks_and_replacements_come_from_the_table() {
        let mut diags = Diagnostics::default();
        let config = Thing {
            id: Value::Unknown,
            ..Default::default()
        };
        reject_computed(&mut diags, &TABLE, &config);
        assert_eq!(diags.errors[0].attribute, AttributePath::new("id"));

        let prior = Thing {
            name: v("a"),
            size: v("10G"),
            ..Default::default()
        };
        let same = Thing {
            name: v("a"),
            size: v("10g"),
            ..Default::default()
        };
        assert!(replacements(&TABLE, &prior, &same, &same).is_empty());
        let unset = Thing {
            name: v("a"),
            ..Default::default()
        };
        assert!(
            replacements(&TABLE, &prior, &prior, &unset).is_empty(),
            "unset keeps the state's"
        );
        let renamed = Thing {
            name: v("b"),
            size: v("100G"),
            ..Default::default()
        };
        assert_eq!(
            replacements(&TABLE, &prior, &renamed, &renamed),
            vec![AttributePath::new("name"), AttributePath::new("size")]
        );
        let (declared, fields) = names(&TABLE, &[], &Thing::default());
        assert_eq!(declared, fields);
    }
}
