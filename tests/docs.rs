//! The reference docs under docs/ name every attribute of every schema, so they cannot silently fall
//! behind the code.

use std::path::Path;

use cni::provider::CniProvider;
use tf_provider::schema::Block;
use tf_provider::{Diagnostics, Provider};

fn names(block: &Block) -> Vec<String> {
    let mut found: Vec<String> = block.attributes.keys().cloned().collect();
    for (name, nested) in &block.blocks {
        found.push(name.clone());
        let inner = match nested {
            tf_provider::schema::NestedBlock::Single(b)
            | tf_provider::schema::NestedBlock::List(b)
            | tf_provider::schema::NestedBlock::Set(b)
            | tf_provider::schema::NestedBlock::Map(b)
            | tf_provider::schema::NestedBlock::Group(b)
            | tf_provider::schema::NestedBlock::Optional(b) => b,
        };
        found.extend(names(inner));
    }
    found
}

fn assert_documented(doc: &str, block: &Block) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(doc);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for name in names(block) {
        assert!(
            text.contains(&format!("`{name}`")),
            "{doc} does not document `{name}`"
        );
    }
}

#[test]
fn every_attribute_of_every_schema_is_documented() {
    let provider = CniProvider::new(Default::default());
    let mut diags = Diagnostics::default();
    let schema = provider.schema(&mut diags).expect("provider schema");
    assert_documented("index.md", &schema.block);
    for (name, resource) in provider.get_resources(&mut diags).expect("resources") {
        assert_documented(
            &format!("resources/{name}.md"),
            &resource.schema(&mut diags).expect("schema").block,
        );
    }
    for (name, data_source) in provider.get_data_sources(&mut diags).expect("data sources") {
        assert_documented(
            &format!("data-sources/{name}.md"),
            &data_source.schema(&mut diags).expect("schema").block,
        );
    }
    assert!(diags.errors.is_empty());
}
