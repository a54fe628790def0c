//! Between the protocol's messages and the value model the resources are written in: schemas,
//! diagnostics, attribute paths and dynamic values (msgpack, or JSON from older state).

use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock, Schema, StringKind,
};
use tf_provider::{AttributePath, AttributePathStep, Diagnostic, Diagnostics};

use super::proto::tfplugin6 as pb;

/// msgpack's nil: the null value of any type.
pub const NULL: [u8; 1] = [0xc0];

/// A protocol schema from a resource's, data source's or the provider's.
pub fn schema(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block(&schema.block)),
    }
}

fn block(block: &Block) -> pb::schema::Block {
    let mut attributes: Vec<pb::schema::Attribute> = block
        .attributes
        .iter()
        .map(|(name, a)| attribute(name, a))
        .collect();
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut block_types: Vec<pb::schema::NestedBlock> = block
        .blocks
        .iter()
        .map(|(name, nested)| nested_block(name, nested))
        .collect();
    block_types.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    pb::schema::Block {
        version: block.version,
        attributes,
        block_types,
        description: block.description.content.clone(),
        description_kind: string_kind(&block.description) as i32,
        deprecated: block.deprecated,
        deprecation_message: String::new(),
    }
}

fn string_kind(description: &Description) -> pb::StringKind {
    match description.kind {
        StringKind::Plain => pb::StringKind::Plain,
        StringKind::Markdown => pb::StringKind::Markdown,
    }
}

fn attribute(name: &str, a: &Attribute) -> pb::schema::Attribute {
    let (r#type, nested_type) = attribute_type(&a.attr_type);
    let constraint = &a.constraint;
    pb::schema::Attribute {
        name: name.to_owned(),
        r#type,
        nested_type,
        description: a.description.content.clone(),
        required: matches!(constraint, AttributeConstraint::Required),
        optional: matches!(
            constraint,
            AttributeConstraint::Optional | AttributeConstraint::OptionalComputed
        ),
        computed: matches!(
            constraint,
            AttributeConstraint::Computed | AttributeConstraint::OptionalComputed
        ),
        sensitive: a.sensitive,
        description_kind: string_kind(&a.description) as i32,
        deprecated: a.deprecated,
        write_only: false,
        deprecation_message: String::new(),
    }
}

/// The JSON type constraint of an attribute, or its nested attributes (exactly one of the two).
fn attribute_type(t: &AttributeType) -> (Vec<u8>, Option<pb::schema::Object>) {
    use pb::schema::object::NestingMode;
    let nested = |attrs: &std::collections::HashMap<String, Attribute>, nesting: NestingMode| {
        let mut attributes: Vec<pb::schema::Attribute> =
            attrs.iter().map(|(name, a)| attribute(name, a)).collect();
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        #[allow(deprecated)]
        pb::schema::Object {
            attributes,
            nesting: nesting as i32,
            min_items: 0,
            max_items: 0,
        }
    };
    match t {
        AttributeType::AttributeSingle(attrs) => (Vec::new(), Some(nested(attrs, NestingMode::Single))),
        AttributeType::AttributeList(attrs) => (Vec::new(), Some(nested(attrs, NestingMode::List))),
        AttributeType::AttributeSet(attrs) => (Vec::new(), Some(nested(attrs, NestingMode::Set))),
        AttributeType::AttributeMap(attrs) => (Vec::new(), Some(nested(attrs, NestingMode::Map))),
        plain => (
            serde_json::to_vec(plain).unwrap_or_else(|_| b"\"dynamic\"".to_vec()),
            None,
        ),
    }
}

fn nested_block(name: &str, nested: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let (nesting, inner, max_items) = match nested {
        NestedBlock::Single(b) => (NestingMode::Single, b, 0),
        NestedBlock::List(b) => (NestingMode::List, b, 0),
        NestedBlock::Set(b) => (NestingMode::Set, b, 0),
        NestedBlock::Map(b) => (NestingMode::Map, b, 0),
        NestedBlock::Group(b) => (NestingMode::Group, b, 0),
        NestedBlock::Optional(b) => (NestingMode::List, b, 1),
    };
    pb::schema::NestedBlock {
        type_name: name.to_owned(),
        block: Some(block(inner)),
        nesting: nesting as i32,
        min_items: 0,
        max_items,
    }
}

/// Marks the write-only attributes of a schema (`names`: name and the attribute to use instead).
pub fn mark_write_only(schema: &mut pb::Schema, names: &[(String, String)]) {
    if let Some(block) = schema.block.as_mut() {
        for attribute in &mut block.attributes {
            if names.iter().any(|(name, _)| *name == attribute.name) {
                attribute.write_only = true;
            }
        }
    }
}

/// Errors for write-only attributes set in a configuration that comes from a Terraform which cannot
/// keep them out of state (older than 1.11): each names the attribute to use instead.
pub fn refuse_write_only(
    diags: &mut Diagnostics,
    config: Option<&pb::DynamicValue>,
    names: &[(String, String)],
) {
    if names.is_empty() {
        return;
    }
    let Some(bytes) = config.map(|c| c.msgpack.as_slice()).filter(|b| !b.is_empty()) else {
        return;
    };
    let Ok(rmpv::Value::Map(entries)) = rmpv::decode::read_value(&mut &bytes[..]) else {
        return;
    };
    for (name, instead) in names {
        let set = entries
            .iter()
            .any(|(key, value)| key.as_str() == Some(name.as_str()) && !value.is_nil());
        if set {
            diags.add_error(Diagnostic {
                summary: "Write-only attribute not supported by this Terraform".into(),
                detail: format!(
                    "`{name}` is write-only, which needs Terraform 1.11 or later (it is never stored in state). \
                     With this Terraform, set `{instead}` instead."
                )
                .into(),
                attribute: AttributePath::new(name.clone()),
            });
        }
    }
}

/// The protocol's diagnostics: errors, then warnings.
pub fn diagnostics(diags: Diagnostics) -> Vec<pb::Diagnostic> {
    let errors = diags
        .errors
        .into_iter()
        .map(|d| diagnostic(d, pb::diagnostic::Severity::Error));
    let warnings = diags
        .warnings
        .into_iter()
        .map(|d| diagnostic(d, pb::diagnostic::Severity::Warning));
    errors.chain(warnings).collect()
}

fn diagnostic(d: Diagnostic, severity: pb::diagnostic::Severity) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: severity as i32,
        summary: d.summary.into_owned(),
        detail: d.detail.into_owned(),
        attribute: (!d.attribute.steps.is_empty()).then(|| path(&d.attribute)),
    }
}

/// A protocol attribute path.
pub fn path(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: path
            .steps
            .iter()
            .map(|step| pb::attribute_path::Step {
                selector: Some(match step {
                    AttributePathStep::Attribute(name) => Selector::AttributeName(name.to_string()),
                    AttributePathStep::Key(key) => Selector::ElementKeyString(key.to_string()),
                    AttributePathStep::Index(index) => Selector::ElementKeyInt(*index),
                }),
            })
            .collect(),
    }
}

/// Adds an error with no attribute.
pub fn error(diags: &mut Diagnostics, summary: impl Into<String>, detail: impl Into<String>) {
    diags.add_error(Diagnostic {
        summary: summary.into().into(),
        detail: detail.into().into(),
        attribute: AttributePath::default(),
    });
}

/// Whether a dynamic value is absent or null.
pub fn is_null(value: Option<&pb::DynamicValue>) -> bool {
    match value {
        None => true,
        Some(v) if !v.msgpack.is_empty() => v.msgpack.as_slice() == NULL,
        Some(v) if !v.json.is_empty() => v.json.trim_ascii() == b"null",
        Some(_) => true,
    }
}

/// Decodes a dynamic value (msgpack, else JSON, else null) into `T`; an error diagnostic otherwise.
pub fn decode<T: DeserializeOwned>(
    value: Option<&pb::DynamicValue>,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    let result = match value {
        Some(v) if !v.msgpack.is_empty() => rmp_serde::from_slice(&v.msgpack).map_err(|e| e.to_string()),
        Some(v) if !v.json.is_empty() => serde_json::from_slice(&v.json).map_err(|e| e.to_string()),
        _ => rmp_serde::from_slice(&NULL).map_err(|e| e.to_string()),
    };
    decoded(result, what, diags)
}

/// Decodes private state bytes (empty is null).
pub fn decode_private<T: DeserializeOwned>(bytes: &[u8], diags: &mut Diagnostics) -> Option<T> {
    let bytes = if bytes.is_empty() { &NULL[..] } else { bytes };
    decoded(
        rmp_serde::from_slice(bytes).map_err(|e| e.to_string()),
        "private state",
        diags,
    )
}

fn decoded<T>(result: Result<T, String>, what: &str, diags: &mut Diagnostics) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            error(diags, format!("Could not decode the {what}"), e);
            None
        }
    }
}

/// Encodes a value as msgpack with field names, as Terraform reads objects.
pub fn encode<T: Serialize>(value: &T, what: &str, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match rmp_serde::to_vec_named(value) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            error(diags, format!("Could not encode the {what}"), e.to_string());
            None
        }
    }
}

/// A dynamic value holding msgpack bytes.
pub fn dynamic(msgpack: Vec<u8>) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack,
        json: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn schemas_keep_names_constraints_types_and_blocks() {
        let mut attributes = HashMap::new();
        attributes.insert(
            "speed".to_owned(),
            Attribute {
                attr_type: AttributeType::String,
                description: Description::markdown("The speed."),
                constraint: AttributeConstraint::OptionalComputed,
                sensitive: true,
                deprecated: false,
            },
        );
        attributes.insert(
            "tags".to_owned(),
            Attribute {
                attr_type: AttributeType::List(Box::new(AttributeType::String)),
                constraint: AttributeConstraint::Required,
                ..Default::default()
            },
        );
        let mut blocks = HashMap::new();
        blocks.insert(
            "timeouts".to_owned(),
            NestedBlock::Group(Block {
                version: 0,
                attributes: HashMap::new(),
                blocks: HashMap::new(),
                description: Description::plain(""),
                deprecated: false,
            }),
        );
        let converted = schema(&Schema {
            version: 1,
            block: Block {
                version: 0,
                attributes,
                blocks,
                description: Description::plain("x"),
                deprecated: false,
            },
        });
        let block = converted.block.expect("block");
        assert_eq!(converted.version, 1);
        let speed = &block.attributes[0];
        assert_eq!(
            (
                speed.name.as_str(),
                speed.optional,
                speed.computed,
                speed.required,
                speed.sensitive
            ),
            ("speed", true, true, false, true)
        );
        assert_eq!(speed.r#type, b"\"string\"");
        assert_eq!(speed.description_kind, pb::StringKind::Markdown as i32);
        assert_eq!(block.attributes[1].r#type, br#"["list","string"]"#);
        assert!(block.attributes[1].required);
        assert_eq!(block.block_types[0].type_name, "timeouts");
        assert_eq!(
            block.block_types[0].nesting,
            pb::schema::nested_block::NestingMode::Group as i32
        );
    }

    #[test]
    fn diagnostics_keep_severity_text_and_path() {
        let mut diags = Diagnostics::default();
        diags.add_error(Diagnostic {
            summary: "bad".into(),
            detail: "worse".into(),
            attribute: AttributePath::new("timeouts").attribute("create"),
        });
        diags.add_warning(Diagnostic {
            summary: "careful".into(),
            detail: "".into(),
            attribute: AttributePath::default(),
        });
        let converted = diagnostics(diags);
        assert_eq!(converted.len(), 2);
        assert_eq!(converted[0].severity, pb::diagnostic::Severity::Error as i32);
        assert_eq!(converted[0].attribute.as_ref().map(|p| p.steps.len()), Some(2));
        assert_eq!(converted[1].severity, pb::diagnostic::Severity::Warning as i32);
        assert!(converted[1].attribute.is_none());
    }

    #[test]
    fn write_only_values_are_refused_when_terraform_cannot_keep_them_out_of_state() {
        let names = vec![("secret_wo".to_owned(), "secret".to_owned())];
        let mut diags = Diagnostics::default();
        let mut config = |secret: Option<&str>| {
            #[derive(Serialize)]
            struct Config<'a> {
                secret_wo: Option<&'a str>,
                other: &'a str,
            }
            let bytes = encode(
                &Config {
                    secret_wo: secret,
                    other: "x",
                },
                "config",
                &mut diags,
            )
            .expect("encodes");
            dynamic(bytes)
        };
        let (set, unset) = (config(Some("s3cr3t")), config(None));
        let mut diags = Diagnostics::default();
        refuse_write_only(&mut diags, Some(&unset), &names);
        assert!(diags.errors.is_empty());
        refuse_write_only(&mut diags, Some(&set), &names);
        assert_eq!(diags.errors.len(), 1);
        assert_eq!(diags.errors[0].attribute, AttributePath::new("secret_wo"));
        assert!(diags.errors[0].detail.contains("`secret` instead"));
        assert!(
            !diags.errors[0].detail.contains("s3cr3t"),
            "the value is never repeated"
        );

        let mut schema = pb::Schema {
            version: 1,
            block: Some(pb::schema::Block {
                attributes: vec![pb::schema::Attribute {
                    name: "secret_wo".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
        };
        mark_write_only(&mut schema, &names);
        assert!(schema.block.expect("block").attributes[0].write_only);
    }

    #[test]
    fn null_and_values_decode_from_msgpack_json_or_nothing() {
        let mut diags = Diagnostics::default();
        let none: Option<Option<String>> = decode(None, "x", &mut diags);
        assert_eq!(none, Some(None));
        let json = pb::DynamicValue {
            msgpack: vec![],
            json: br#""hello""#.to_vec(),
        };
        assert_eq!(
            decode::<String>(Some(&json), "x", &mut diags),
            Some("hello".into())
        );
        let packed = dynamic(encode(&"hi", "x", &mut diags).expect("encodes"));
        assert_eq!(
            decode::<String>(Some(&packed), "x", &mut diags),
            Some("hi".into())
        );
        assert!(is_null(None) && is_null(Some(&dynamic(NULL.to_vec()))) && !is_null(Some(&packed)));
        assert!(diags.errors.is_empty());
        assert!(decode::<u8>(Some(&json), "config", &mut diags).is_none());
        assert_eq!(diags.errors[0].summary, "Could not decode the config");
    }
}
