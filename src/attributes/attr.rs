//! One attribute, declared once: [`Attr`] and its parts (type, role, replacement rule), its schema
//! attribute and its description as the schema and docs show it; and a table's schema block.

use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock};
use tf_provider::value::Value;

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
    /// Nested attributes (protocol 6), each with its own role, description and sensitivity: one object
    /// (`Single`) or a list of them (`List`).
    Nested(Nesting, fn() -> Vec<Attr>),
}

/// How nested attributes nest.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Nesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
}

impl AttrType {
    /// The Terraform type.
    pub fn attribute_type(self) -> AttributeType {
        match self {
            AttrType::String => AttributeType::String,
            AttrType::Bool => AttributeType::Bool,
            AttrType::Number => AttributeType::Number,
            AttrType::Other(make) => make(),
            AttrType::Nested(nesting, attributes) => {
                let attributes = attributes()
                    .iter()
                    .map(|a| (a.name.to_owned(), a.schema()))
                    .collect();
                match nesting {
                    Nesting::Single => AttributeType::AttributeSingle(attributes),
                    Nesting::List => AttributeType::AttributeList(attributes),
                }
            }
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
    /// The only values it takes, when they are a fixed list (from the enum that also serves the API),
    /// spelled exactly so unless [`Attr::any_case`].
    pub one_of: Option<&'static [&'static str]>,
    /// Whether [`Attr::one_of`] takes its values in any case: only where the value the API gets is the
    /// API's spelling, not the one written (state keeps the one written).
    pub any_case: bool,
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
            any_case: false,
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

    /// The same, taking only these values in any case: for an attribute whose request carries the
    /// API's spelling of the value written.
    pub const fn one_of_any_case(self, values: &'static [&'static str]) -> Attr {
        Attr {
            one_of: Some(values),
            any_case: true,
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
            let case = match self.any_case {
                true => " (in any case)",
                false => "",
            };
            description.push_str(&format!(" One of: {}{case}.", listed.join(", ")));
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
}
