//! Each Terraform type declared once: one table per resource and data source gives every attribute's
//! name, type, role, sensitivity, whether a change replaces the object, and description. The schema
//! sent to Terraform, the check that computed-only attributes are not configured, and the replacement
//! decisions are all derived from it.

use std::collections::HashMap;

use serde::Serialize;
use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::diag;

/// An attribute's type.
#[derive(Clone, Copy)]
pub enum AttrType {
    /// A string.
    String,
    /// A boolean.
    Bool,
    /// A number.
    Number,
    /// A structured type.
    Other(fn() -> AttributeType),
}

impl AttrType {
    /// The Terraform type.
    pub fn attribute_type(self) -> AttributeType {
        match self {
            AttrType::String => AttributeType::String,
            AttrType::Bool => AttributeType::Bool,
            AttrType::Number => AttributeType::Number,
            AttrType::Other(make) => make(),
        }
    }
}

/// Who sets an attribute.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// The configuration must.
    Required,
    /// The configuration may.
    Optional,
    /// The configuration may; otherwise the provider does.
    OptionalComputed,
    /// Only the provider does.
    Computed,
}

/// How a configured value is compared with the state to decide on a replacement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Compare {
    /// Any change replaces.
    Exact,
    /// Case does not matter (`10g` is `10G`, a UUID in capitals is the same UUID); a value the API never
    /// reported (null in state) is adopted.
    CaseInsensitive,
    /// Needed only to create: adding or dropping it changes nothing; only a different value replaces,
    /// or one not known at plan time where a value was known before (it may turn out different).
    CreateOnly,
}

impl Compare {
    /// Whether going from `before` to `after` replaces the object.
    pub fn replaces(self, before: &Value<String>, after: &Value<String>) -> bool {
        match (self, before, after) {
            (_, Value::Value(b), Value::Value(a)) if b == a => false,
            (Compare::Exact, b, a) => b != a,
            (Compare::CaseInsensitive, Value::Value(b), Value::Value(a)) => !b.eq_ignore_ascii_case(a),
            (Compare::CaseInsensitive, Value::Null, _) => false,
            (Compare::CaseInsensitive, b, a) => b != a,
            (Compare::CreateOnly, Value::Value(_), Value::Value(_) | Value::Unknown) => true,
            (Compare::CreateOnly, _, _) => false,
        }
    }
}

/// Whether changing an attribute replaces the object (there is no update API).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Replaces {
    /// Never: it lives in Terraform only, or the API computes it.
    Never,
    /// When its planned value differs from the state's, by this rule.
    Always(Compare),
    /// When its configured value differs from the state's, by this rule; unset, the state's is kept.
    WhenConfigured(Compare),
}

/// A check of one configured value: `Err` holds the error's detail.
pub type Check = fn(&str) -> Result<(), String>;

/// One attribute, declared once.
#[derive(Clone, Copy)]
pub struct Attr {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub kind: AttrType,
    /// Who sets it.
    pub role: Role,
    /// Whether Terraform hides its value.
    pub sensitive: bool,
    /// Whether a change replaces the object.
    pub replaces: Replaces,
    /// Write-only (Terraform 1.11 and later): sent by Terraform, never stored; the attribute to use
    /// instead on an older Terraform.
    pub write_only: Option<&'static str>,
    /// Its description, in markdown.
    pub description: &'static str,
    /// The only values it takes, when they are a fixed list (from the enum that also serves the API).
    pub one_of: Option<&'static [&'static str]>,
    /// The only object type (the value of `type`) it may be configured for, and what to say when it
    /// is configured for another (a default message when `None`).
    pub only_for: Option<(&'static str, Option<&'static str>)>,
    /// Whether the configuration generated to adopt an existing object sets it (when it has a value,
    /// applies to the object's type and is not the provider's default).
    pub generated: bool,
    /// Whether it is part of the resource identity, and if so whether the identity requires it.
    pub identity: Option<bool>,
    /// Required for objects of its [`Attr::only_for`] type: what to tell a configuration that leaves it
    /// out (empty: the values of [`Attr::one_of`]).
    pub required_for_type: Option<&'static str>,
    /// A check of a configured value: the detail of the error when it fails.
    pub check: Option<Check>,
    /// The value used when it is not set, as a configuration would write it (from the constant the
    /// code uses, so that the two cannot differ).
    pub default: Option<fn() -> String>,
}

impl Attr {
    /// An attribute that never replaces anything and is not sensitive.
    pub const fn new(name: &'static str, kind: AttrType, role: Role, description: &'static str) -> Attr {
        Attr {
            name,
            kind,
            role,
            sensitive: false,
            replaces: Replaces::Never,
            write_only: None,
            description,
            one_of: None,
            only_for: None,
            generated: false,
            identity: None,
            required_for_type: None,
            check: None,
            default: None,
        }
    }

    /// The same, with the value used when it is not set (shown in its description).
    pub const fn defaults_to(self, default: fn() -> String) -> Attr {
        Attr {
            default: Some(default),
            ..self
        }
    }

    /// The same, configurable only for objects whose `type` is `kind`, and required for them; `what`
    /// tells a configuration that leaves it out what to give (empty: the values of [`Attr::one_of`]).
    pub const fn required_for(self, kind: &'static str, what: &'static str) -> Attr {
        Attr {
            only_for: Some((kind, None)),
            required_for_type: Some(what),
            ..self
        }
    }

    /// The same, with `check` run on every configured value (its error is the diagnostic's detail).
    pub const fn checked(self, check: Check) -> Attr {
        Attr {
            check: Some(check),
            ..self
        }
    }

    /// The same, configurable only for objects whose `type` is `kind`.
    pub const fn only_for(self, kind: &'static str) -> Attr {
        Attr {
            only_for: Some((kind, None)),
            ..self
        }
    }

    /// The same, configurable only for objects whose `type` is `kind`; `why` is the error's detail
    /// when it is configured for another.
    pub const fn only_for_because(self, kind: &'static str, why: &'static str) -> Attr {
        Attr {
            only_for: Some((kind, Some(why))),
            ..self
        }
    }

    /// The same, set by the configuration generated to adopt an existing object.
    pub const fn generated(self) -> Attr {
        Attr {
            generated: true,
            ..self
        }
    }

    /// The same, part of the resource identity (`required` there, or optional).
    pub const fn in_identity(self, required: bool) -> Attr {
        Attr {
            identity: Some(required),
            ..self
        }
    }

    /// The same, taking only these values.
    pub const fn one_of(self, values: &'static [&'static str]) -> Attr {
        Attr {
            one_of: Some(values),
            ..self
        }
    }

    /// The same, write-only, with `instead` the attribute that does its job on an older Terraform.
    pub const fn write_only(self, instead: &'static str) -> Attr {
        Attr {
            write_only: Some(instead),
            ..self
        }
    }

    /// The same, hidden by Terraform.
    pub const fn sensitive(self) -> Attr {
        Attr {
            sensitive: true,
            ..self
        }
    }

    /// The same, replacing the object when it changes.
    pub const fn replacing(self, replaces: Replaces) -> Attr {
        Attr { replaces, ..self }
    }

    /// Its description with the values it takes, when they are a fixed list, its default, and what a
    /// change of it does (unless the description says it already).
    pub fn full_description(&self) -> String {
        let mut description = self.description.trim().to_owned();
        if let Some(values) = self.one_of {
            let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            description.push_str(&format!(" One of: {}.", listed.join(", ")));
        }
        if let Some(default) = self.default {
            description.push_str(&format!(" Default `{}`.", default()));
        }
        if let Some(replacement) = self
            .replacement()
            .filter(|_| !self.description.contains("replace"))
        {
            description.push(' ');
            description.push_str(replacement);
        }
        description
    }

    /// What a change of it does, when it replaces the object.
    fn replacement(&self) -> Option<&'static str> {
        match self.replaces {
            Replaces::Never => None,
            Replaces::Always(Compare::CreateOnly) => {
                Some("A different value forces replacement; adding or removing it does not.")
            }
            Replaces::Always(_) => Some("Forces replacement."),
            Replaces::WhenConfigured(_) => Some("Forces replacement when set."),
        }
    }

    /// Its schema attribute.
    pub fn schema(&self) -> Attribute {
        Attribute {
            attr_type: self.kind.attribute_type(),
            description: Description::markdown(self.full_description()),
            constraint: match self.role {
                Role::Required => AttributeConstraint::Required,
                Role::Optional => AttributeConstraint::Optional,
                Role::OptionalComputed => AttributeConstraint::OptionalComputed,
                Role::Computed => AttributeConstraint::Computed,
            },
            sensitive: self.sensitive,
            deprecated: false,
        }
    }
}

/// The schema block of a table, with its nested blocks.
pub fn block(description: &str, table: &[Attr], blocks: Vec<(&str, NestedBlock)>) -> Block {
    Block {
        attributes: table.iter().map(|a| (a.name.to_owned(), a.schema())).collect(),
        blocks: blocks.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        description: Description::markdown(description),
        ..Default::default()
    }
}

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
/// [`Attr::one_of`] (case aside), a value its [`Attr::check`] refuses. A value not known yet (`var.x`
/// under `terraform validate`) is neither set nor checked.
pub fn check_for_type(diags: &mut Diagnostics, table: &[Attr], config: &impl Serialize, kind: &str) {
    let values = values_of(config);
    for attr in table {
        let value = string_value(&values, attr.name);
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
            (Value::Value(text), _) => check_value(diags, attr, text),
            _ => {}
        }
    }
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

fn check_value(diags: &mut Diagnostics, attr: &Attr, text: &str) {
    let refused = match (attr.one_of, attr.check) {
        (Some(values), _) if !values.iter().any(|v| v.eq_ignore_ascii_case(text)) => Some(format!(
            "unknown {} {text:?}: expected one of {}.",
            attr.name,
            values.join(", ")
        )),
        (_, Some(check)) => check(text).err(),
        _ => None,
    };
    if let Some(detail) = refused {
        diag::error(
            diags,
            format!("Invalid {}", attr.name),
            detail,
            diag::attr(attr.name),
        );
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
            (!is_default(attr.name, value)).then(|| (attr.name.to_owned(), value.clone()))
        })
        .collect()
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

    fn v(s: &str) -> Value<String> {
        Value::Value(s.to_owned())
    }

    #[test]
    fn comparisons_ignore_what_is_no_real_change() {
        assert!(!Compare::CaseInsensitive.replaces(&v("abc"), &v("ABC")));
        assert!(
            !Compare::CaseInsensitive.replaces(&Value::Null, &v("1G")),
            "adopted"
        );
        assert!(Compare::CaseInsensitive.replaces(&v("1G"), &v("2G")));
        assert!(Compare::Exact.replaces(&v("a"), &v("A")));
        assert!(Compare::Exact.replaces(&v("a"), &Value::Unknown));
        assert!(!Compare::CreateOnly.replaces(&v("k"), &Value::Null));
        assert!(!Compare::CreateOnly.replaces(&Value::Null, &v("k")));
        assert!(Compare::CreateOnly.replaces(&v("k"), &v("other")));
        // Unknown at plan time where a value was known: it may turn out different, so the plan says
        // "replace" and stays what apply does.
        assert!(Compare::CreateOnly.replaces(&v("k"), &Value::Unknown));
        assert!(
            !Compare::CreateOnly.replaces(&Value::Null, &Value::Unknown),
            "adding a key after import"
        );
        for rule in [Compare::Exact, Compare::CaseInsensitive] {
            assert!(rule.replaces(&v("k"), &Value::Unknown), "{rule:?}");
        }
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
