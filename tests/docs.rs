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
    let pages = cni::docs::render(root, cni::registry::pages()).expect("render the docs");
    assert_eq!(
        pages.len(),
        16,
        "the provider, 3 resources, 7 data sources, 2 list resources, an action, 2 functions"
    );
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

/// The link tfplugindocs writes next to a write-only attribute's type.
const WRITE_ONLY: &str =
    "[Write-only](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments)";

fn read_doc(path: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Whether an attribute type is documented by a nested section: an object, or a collection of them.
fn has_nested_section(attr_type: &tf_provider::schema::AttributeType) -> bool {
    use tf_provider::schema::AttributeType as T;
    match attr_type {
        T::Object(_) => true,
        T::List(inner) | T::Set(inner) | T::Map(inner) => matches!(**inner, T::Object(_)),
        _ => false,
    }
}

/// tfplugindocs' schema layout on one page: `## Schema`, then for every object attribute and block
/// a link `(see [below for nested schema](#nestedatt--x))` / `#nestedblock--x` and its section with
/// that anchor, and every write-only attribute marked with the registry's link and the 1.11 note.
fn assert_schema_layout(doc: &str, block: &Block) {
    let text = read_doc(doc);
    assert!(
        text.contains("\n## Schema\n\n### "),
        "{doc}: no `## Schema` section"
    );
    for (name, attribute) in &block.attributes {
        if has_nested_section(&attribute.attr_type) {
            let anchor = format!("nestedatt--{name}");
            assert!(
                text.contains(&format!("(see [below for nested schema](#{anchor}))\n")),
                "{doc}: `{name}` does not link its nested schema"
            );
            assert!(
                text.contains(&format!(
                    "<a id=\"{anchor}\"></a>\n### Nested Schema for `{name}`\n\n"
                )),
                "{doc}: no nested schema section for `{name}`"
            );
        }
    }
    for name in block.blocks.keys() {
        let anchor = format!("nestedblock--{name}");
        assert!(
            text.contains(&format!("`{name}` (Block, Optional)"))
                && text.contains(&format!("(see [below for nested schema](#{anchor}))\n")),
            "{doc}: block `{name}` is not listed with its link"
        );
        assert!(
            text.contains(&format!(
                "<a id=\"{anchor}\"></a>\n### Nested Schema for `{name}`\n\n"
            )),
            "{doc}: no nested schema section for block `{name}`"
        );
    }
    assert!(
        !text.contains("](#nested-schema-for-"),
        "{doc}: an old-style anchor"
    );
}

#[test]
fn every_page_follows_the_registry_layout() {
    let registry = cni::registry::registry(Default::default());
    let mut diags = Diagnostics::default();
    let page = |name: &str| name.strip_prefix("cni_").unwrap_or(name).to_owned();
    let provider = registry.provider.schema(&mut diags).expect("provider schema");
    assert_schema_layout("index.md", &provider.block);
    for (name, data_source) in &registry.data_sources {
        let schema = data_source.schema(&mut diags).expect("schema");
        assert_schema_layout(&format!("data-sources/{}.md", page(name)), &schema.block);
    }
    for (name, list) in &registry.lists {
        let schema = list.schema(&mut diags).expect("schema");
        assert_schema_layout(&format!("list-resources/{}.md", page(name)), &schema.block);
    }
    for (name, resource) in &registry.resources {
        let doc = format!("resources/{}.md", page(name));
        let schema = resource.schema(&mut diags).expect("schema");
        assert_schema_layout(&doc, &schema.block);
        let text = read_doc(&doc);
        for (attribute, _) in resource.write_only() {
            assert!(
                text.contains(&format!("- `{attribute}` (String, Sensitive, {WRITE_ONLY})")),
                "{doc}: `{attribute}` is not marked write-only"
            );
            assert!(text.contains(&format!(
                "> **NOTE**: {} are supported in Terraform 1.11 and later.",
                WRITE_ONLY.replace("[Write-only]", "[Write-only arguments]")
            )));
        }
        assert_import_section(&doc, &text, name, resource.identity().is_some());
    }
    assert!(diags.errors.is_empty());
}

/// The Import section as tfplugindocs writes it: the `import` block by identity with the identity
/// schema after it, the `import` block by ID, then the CLI command, each the example file of the
/// registry's layout under `examples/resources/<type>/`.
fn assert_import_section(doc: &str, text: &str, type_name: &str, has_identity: bool) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/resources")
        .join(type_name);
    let example = |file: &str| {
        std::fs::read_to_string(examples.join(file))
            .unwrap_or_else(|e| panic!("examples/resources/{type_name}/{file}: {e}"))
            .trim_end()
            .to_owned()
    };
    let import = text
        .find("\n## Import\n\nImport is supported using the following syntax:\n\n")
        .unwrap_or_else(|| panic!("{doc}: no Import section"));
    let position = |needle: &str| {
        text[import..]
            .find(needle)
            .unwrap_or_else(|| panic!("{doc}: the Import section lacks {needle:?}"))
    };
    let by_id = position(&format!(
        "```terraform\n{}\n```",
        example("import-by-string-id.tf")
    ));
    let command = position(&format!("```shell\n{}\n```", example("import.sh")));
    assert!(by_id < command, "{doc}: the CLI command comes last");
    if has_identity {
        let by_identity = position(&format!(
            "```terraform\n{}\n```",
            example("import-by-identity.tf")
        ));
        let schema = position("### Identity Schema\n\n#### Required\n\n");
        assert!(
            by_identity < schema && schema < by_id,
            "{doc}: identity example, identity schema, then the import by ID"
        );
    }
}

#[test]
fn guides_live_where_the_registry_publishes_them() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    for entry in std::fs::read_dir(&docs).expect("docs/").flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let published = [
            "index.md",
            "resources",
            "data-sources",
            "list-resources",
            "actions",
            "functions",
            "guides",
        ];
        assert!(
            published.contains(&name.as_str()),
            "docs/{name} is not where the registry publishes pages"
        );
    }
    for entry in std::fs::read_dir(docs.join("guides"))
        .expect("docs/guides/")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).expect("a guide");
        assert!(
            text.starts_with("---\npage_title: "),
            "{}: a guide needs its page_title front matter",
            entry.path().display()
        );
    }
}

/// CHANGELOG.md in HashiCorp's form: `## X.Y.Z (Month D, YYYY)` or `(Unreleased)` headings, newest first,
/// each with sections from NOTES / BREAKING CHANGES / FEATURES / ENHANCEMENTS / BUG FIXES holding `* `
/// entries, and the released version the crate's.
#[test]
fn the_changelog_is_in_hashicorps_dated_form() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("CHANGELOG.md")).expect("CHANGELOG.md");
    let heading = regex::Regex::new(
        r"^## (\d+)\.(\d+)\.(\d+) \((Unreleased|(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4})\)$",
    )
    .expect("regex");
    const SECTIONS: [&str; 5] = [
        "NOTES:",
        "BREAKING CHANGES:",
        "FEATURES:",
        "ENHANCEMENTS:",
        "BUG FIXES:",
    ];
    let mut versions = Vec::new();
    let mut in_section = false;
    for (number, line) in text.lines().enumerate() {
        let at = format!("CHANGELOG.md:{}", number + 1);
        if line.starts_with("## ") {
            let found = heading
                .captures(line)
                .unwrap_or_else(|| panic!("{at}: not a dated version heading: {line}"));
            let part = |i: usize| found[i].parse::<u32>().expect("a number");
            versions.push(((part(1), part(2), part(3)), &found[4] == "Unreleased"));
            in_section = false;
        } else if SECTIONS.contains(&line) {
            in_section = true;
        } else if line.starts_with("* ") {
            assert!(in_section, "{at}: an entry outside a section");
        } else if !line.is_empty() && !line.starts_with("  ") {
            panic!("{at}: neither a heading, a section, an entry nor its continuation: {line}");
        }
    }
    assert!(versions.len() >= 2, "{versions:?}");
    assert!(
        versions.windows(2).all(|w| w[0].0 > w[1].0),
        "newest first: {versions:?}"
    );
    assert!(
        versions.iter().skip(1).all(|(_, unreleased)| !unreleased),
        "only the newest is unreleased"
    );
    let crate_version = env!("CARGO_PKG_VERSION");
    assert!(
        text.contains(&format!("## {crate_version} (")),
        "the crate's version {crate_version} has its entry"
    );
}
