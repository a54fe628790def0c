//! The reference docs under docs/ name every attribute of every schema, so they cannot silently fall
//! behind the code.

use std::path::Path;

use tf_provider::schema::Block;
use tf_provider::Diagnostics;

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
    let registry = cni::registry::registry(Default::default());
    let mut diags = Diagnostics::default();
    let schema = registry.provider.schema(&mut diags).expect("provider schema");
    assert_documented("index.md", &schema.block);
    assert!(!registry.resources.is_empty() && !registry.data_sources.is_empty());
    let page = |name: &str| name.strip_prefix("cni_").unwrap_or(name).to_owned();
    for (name, resource) in &registry.resources {
        let schema = resource.schema(&mut diags).expect("schema");
        assert_documented(&format!("resources/{}.md", page(name)), &schema.block);
    }
    for (name, data_source) in &registry.data_sources {
        let schema = data_source.schema(&mut diags).expect("schema");
        assert_documented(&format!("data-sources/{}.md", page(name)), &schema.block);
    }
    assert!(diags.errors.is_empty());
}

/// The registry pages are what `make docs` generates from the attribute tables and `templates/`.
/// `CNI_WRITE_DOCS=1` (which `make docs` sets) writes them instead of comparing.
#[test]
fn the_committed_docs_are_what_make_docs_generates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages = cni::docs::render(root).expect("render the docs");
    assert_eq!(pages.len(), 10);
    let write = std::env::var_os("CNI_WRITE_DOCS").is_some_and(|v| !v.is_empty());
    let mut stale = Vec::new();
    for (path, content) in pages {
        let file = root.join(&path);
        if write {
            std::fs::create_dir_all(file.parent().expect("a folder")).expect("docs folder");
            std::fs::write(&file, &content).expect("write a page");
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(content.as_str()) {
            stale.push(path);
        }
    }
    assert!(stale.is_empty(), "stale docs (run make docs): {stale:?}");
}
