//! Resource identity (protocol 6.9, Terraform 1.12 and later): the identity schema of a type, the
//! identity of a stored or planned object (its identity attributes, taken from its state as they are,
//! unknown values included), and the import ID an `import` block's `identity` stands for.

use std::collections::HashMap;

use tf_provider::Diagnostics;

use super::convert;
use super::handlers::{Identity, IdentityValues};
use super::proto::tfplugin6 as pb;

/// The protocol's identity schema.
pub fn schema(identity: &Identity) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: identity.version,
        identity_attributes: identity
            .attributes
            .iter()
            .map(
                |(name, required, description)| pb::resource_identity_schema::IdentityAttribute {
                    name: (*name).to_owned(),
                    r#type: b"\"string\"".to_vec(),
                    required_for_import: *required,
                    optional_for_import: !*required,
                    description: (*description).to_owned(),
                },
            )
            .collect(),
    }
}

/// The identity of an object from its state (msgpack), or `None` when the state is null or not an
/// object.
pub fn of_state(identity: &Identity, state: &[u8]) -> Option<pb::ResourceIdentityData> {
    let rmpv::Value::Map(entries) = rmpv::decode::read_value(&mut &state[..]).ok()? else {
        return None;
    };
    let picked: Vec<(rmpv::Value, rmpv::Value)> = identity
        .attributes
        .iter()
        .map(|(name, _, _)| {
            let value = entries
                .iter()
                .find(|(key, _)| key.as_str() == Some(name))
                .map(|(_, value)| value.clone())
                .unwrap_or(rmpv::Value::Nil);
            (rmpv::Value::from(*name), value)
        })
        .collect();
    let mut bytes = Vec::new();
    rmpv::encode::write_value(&mut bytes, &rmpv::Value::Map(picked)).ok()?;
    Some(pb::ResourceIdentityData {
        identity_data: Some(convert::dynamic(bytes)),
    })
}

/// Whether every value of an identity is known (no msgpack extension, which marks an unknown).
pub fn is_known(data: &pb::ResourceIdentityData) -> bool {
    let Some(bytes) = data.identity_data.as_ref().map(|d| d.msgpack.as_slice()) else {
        return true;
    };
    match rmpv::decode::read_value(&mut &bytes[..]) {
        Ok(rmpv::Value::Map(entries)) => entries.iter().all(|(_, v)| !matches!(v, rmpv::Value::Ext(..))),
        _ => true,
    }
}

/// The values of an identity Terraform sent (msgpack or JSON).
pub fn values(data: &pb::ResourceIdentityData, diags: &mut Diagnostics) -> Option<IdentityValues> {
    let decoded: HashMap<String, Option<String>> =
        convert::decode(data.identity_data.as_ref(), "identity", diags)?;
    Some(decoded)
}

/// The import ID an identity stands for, or an error diagnostic.
pub fn import_id(
    identity: &Identity,
    data: &pb::ResourceIdentityData,
    diags: &mut Diagnostics,
) -> Option<String> {
    let values = values(data, diags)?;
    for (name, required, _) in &identity.attributes {
        if *required && values.get(*name).is_none_or(Option::is_none) {
            convert::error(
                diags,
                "Incomplete identity",
                format!("The identity needs `{name}`."),
            );
            return None;
        }
    }
    match (identity.import_id)(&values) {
        Ok(id) => Some(id),
        Err(e) => {
            convert::error(diags, "Invalid identity", e);
            None
        }
    }
}

/// The identity stored under an older identity schema version, brought to the current one: the
/// identity attributes are kept as they are (this provider has had one identity version).
pub fn upgrade(
    identity: &Identity,
    json: &[u8],
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let stored: HashMap<String, Option<String>> = match serde_json::from_slice(json) {
        Ok(stored) => stored,
        Err(e) => {
            convert::error(diags, "Could not upgrade the stored identity", e.to_string());
            return None;
        }
    };
    let fitted: HashMap<&str, Option<String>> = identity
        .attributes
        .iter()
        .map(|(name, _, _)| (*name, stored.get(*name).cloned().flatten()))
        .collect();
    let bytes = convert::encode(&fitted, "identity", diags)?;
    Some(pb::ResourceIdentityData {
        identity_data: Some(convert::dynamic(bytes)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Identity {
        Identity {
            version: 0,
            attributes: vec![("account_id", false, "a"), ("name", true, "n")],
            import_id: |values| {
                let name = values.get("name").cloned().flatten().ok_or("no name")?;
                Ok(match values.get("account_id").cloned().flatten() {
                    Some(account) => format!("{account}/{name}"),
                    None => name,
                })
            },
        }
    }

    #[test]
    fn an_identity_is_taken_from_the_state_and_stands_for_an_import_id() {
        let mut diags = Diagnostics::default();
        let state = convert::encode(
            &serde_json::json!({"name": "icon-1", "account_id": "acc", "status": "Healthy"}),
            "state",
            &mut diags,
        )
        .expect("encodes");
        let data = of_state(&identity(), &state).expect("an identity");
        let values = values(&data, &mut diags).expect("decodes");
        assert_eq!(values.len(), 2, "only the identity attributes");
        assert_eq!(
            import_id(&identity(), &data, &mut diags).as_deref(),
            Some("acc/icon-1")
        );

        let nameless =
            convert::encode(&serde_json::json!({"account_id": "acc"}), "x", &mut diags).expect("encodes");
        let data = pb::ResourceIdentityData {
            identity_data: Some(convert::dynamic(nameless)),
        };
        assert!(import_id(&identity(), &data, &mut diags).is_none());
        assert_eq!(diags.errors[0].summary, "Incomplete identity");
        assert!(
            of_state(&identity(), &convert::NULL).is_none(),
            "a null state has none"
        );

        let schema = schema(&identity());
        assert!(schema.identity_attributes[1].required_for_import);
        assert!(schema.identity_attributes[0].optional_for_import);
    }
}
