//! The registry pages under `docs/`, generated from the attribute tables (the one place each
//! attribute is declared) and short hand-written templates under `templates/`. A template is markdown
//! with placeholders: `{{schema}}` (the argument and attribute reference of the page's type) and
//! `{{example:<path under examples/>}}` (that file, fenced). `make docs` writes the pages; a test fails
//! when the committed ones differ.

use std::path::Path;

use tf_provider::schema::AttributeType;

use crate::attributes::{Attr, AttrType, Nesting, Role};
use crate::plugin::handlers::Identity;

/// What a page documents: the provider block, or a type of one kind, by its Terraform name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documented {
    /// The provider block (`docs/index.md`).
    Provider,
    /// A resource (`docs/resources/<name without cni_>.md`).
    Resource(&'static str),
    /// A data source (`docs/data-sources/…`).
    DataSource(&'static str),
    /// A list resource (`docs/list-resources/…`).
    ListResource(&'static str),
    /// An action (`docs/actions/…`).
    Action(&'static str),
}

/// One type's page: what it documents, the attributes of its type, its nested blocks (name,
/// description, attributes) and its identity.
pub struct Page {
    /// What it documents.
    pub documents: Documented,
    /// The attributes of its type.
    pub attributes: Vec<Attr>,
    /// Its nested blocks: name, description, attributes.
    pub blocks: Vec<(&'static str, &'static str, Vec<Attr>)>,
    /// Its resource identity, if any.
    pub identity: Option<Identity>,
}

impl Page {
    /// A page of `documents` with these attributes, no blocks and no identity.
    pub fn of(documents: Documented, attributes: Vec<Attr>) -> Page {
        Page {
            documents,
            attributes,
            blocks: Vec::new(),
            identity: None,
        }
    }

    /// Where the page goes and the template it comes from, by the registry's layout.
    fn paths(&self) -> (String, String) {
        let (folder, name) = match self.documents {
            Documented::Provider => return ("docs/index.md".into(), "templates/index.md.tmpl".into()),
            Documented::Resource(name) => ("resources", name),
            Documented::DataSource(name) => ("data-sources", name),
            Documented::ListResource(name) => ("list-resources", name),
            Documented::Action(name) => ("actions", name),
        };
        let short = name.strip_prefix("cni_").unwrap_or(name);
        (
            format!("docs/{folder}/{short}.md"),
            format!("templates/{folder}/{short}.md.tmpl"),
        )
    }
}

/// Every page of `pages` (the registry's, [`crate::registry::pages`]), rendered from the templates
/// under `root`, then one page per provider function: `(path, content)`.
pub fn render(root: &Path, pages: Vec<Page>) -> Result<Vec<(String, String)>, String> {
    let mut rendered = pages
        .into_iter()
        .map(|page| {
            let (path, template_path) = page.paths();
            let template = std::fs::read_to_string(root.join(&template_path))
                .map_err(|e| format!("{template_path}: {e}"))?;
            let text = fill(&template, root, &page)?;
            Ok((path, text))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut functions: Vec<_> = crate::functions::functions().into_iter().collect();
    functions.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, function) in functions {
        let page = function_page(root, &name, &function.signature())?;
        rendered.push((format!("docs/functions/{name}.md"), page));
    }
    Ok(rendered)
}

/// A function's page, in the registry's layout: summary, description, the example under
/// `examples/functions/<name>/function.tf`, the signature and the arguments.
fn function_page(
    root: &Path,
    name: &str,
    signature: &crate::plugin::functions::Signature,
) -> Result<String, String> {
    let example_path = format!("functions/{name}/function.tf");
    let example = std::fs::read_to_string(root.join("examples").join(&example_path))
        .map_err(|e| format!("example {example_path}: {e}"))?;
    let type_name = |kind: &serde_json::Value| match kind {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(parts) => parts
            .first()
            .and_then(|p| p.as_str())
            .unwrap_or("dynamic")
            .to_owned(),
        _ => "dynamic".to_owned(),
    };
    let parameters: Vec<String> = signature
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, type_name(&p.kind)))
        .collect();
    let arguments: String = signature
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let kind = type_name(&p.kind);
            let mut title = kind.chars();
            let title: String = title
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(title)
                .collect();
            format!("{}. `{}` ({title}) {}\n", i + 1, p.name, p.description)
        })
        .collect();
    Ok(format!(
        "---\npage_title: \"{name} function - cni\"\nsubcategory: \"\"\ndescription: |-\n  {summary}\n---\n\n\
         # function: {name}\n\n{description}\n\n## Example Usage\n\n```terraform\n{example}\n```\n\n\
         ## Signature\n\n```text\n{name}({params}) {returns}\n```\n\n## Arguments\n\n{arguments}",
        summary = signature.summary,
        description = signature.description,
        example = example.trim_end(),
        params = parameters.join(", "),
        returns = type_name(&signature.returns),
    ))
}

fn fill(template: &str, root: &Path, page: &Page) -> Result<String, String> {
    let mut out = String::new();
    for line in template.lines() {
        let trimmed = line.trim();
        if trimmed == "{{schema}}" {
            out.push_str(&reference(&page.attributes, &page.blocks));
        } else if let Some(dir) = trimmed
            .strip_prefix("{{import:")
            .and_then(|r| r.strip_suffix("}}"))
        {
            let identity = page
                .identity
                .as_ref()
                .ok_or_else(|| format!("{}: {{{{import}}}} on a type without identity", page.paths().1))?;
            out.push_str(&import_section(root, dir, identity)?);
        } else if let Some(path) = trimmed
            .strip_prefix("{{example:")
            .and_then(|r| r.strip_suffix("}}"))
        {
            let code = std::fs::read_to_string(root.join("examples").join(path))
                .map_err(|e| format!("{}: example {path}: {e}", page.paths().1))?;
            let language = if path.ends_with(".sh") {
                "shell"
            } else {
                "terraform"
            };
            out.push_str(&format!("```{language}\n{}\n```\n", code.trim_end()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The Import section in tfplugindocs' layout: the `import` block by identity
/// (`import-by-identity.tf`), the identity schema, the `import` block by ID
/// (`import-by-string-id.tf`), then the CLI command (`import.sh`), all from `examples/<dir>/`.
fn import_section(root: &Path, dir: &str, identity: &Identity) -> Result<String, String> {
    let example = |file: &str| {
        let path = format!("{dir}/{file}");
        std::fs::read_to_string(root.join("examples").join(&path))
            .map(|text| text.trim_end().to_owned())
            .map_err(|e| format!("example {path}: {e}"))
    };
    const IMPORT_BLOCK: &str =
        "the [`import` block](https://developer.hashicorp.com/terraform/language/import)";
    const IMPORT_COMMAND: &str =
        "The [`terraform import` command](https://developer.hashicorp.com/terraform/cli/commands/import)";
    Ok(format!(
        "## Import\n\nImport is supported using the following syntax:\n\n\
         In Terraform v1.12.0 and later, {IMPORT_BLOCK} can be used with the `identity` attribute, for example:\n\n\
         ```terraform\n{by_identity}\n```\n\n{schema}\
         In Terraform v1.5.0 and later, {IMPORT_BLOCK} can be used with the `id` attribute, for example:\n\n\
         ```terraform\n{by_id}\n```\n\n\
         {IMPORT_COMMAND} can be used, for example:\n\n```shell\n{command}\n```\n",
        by_identity = example("import-by-identity.tf")?,
        schema = identity_schema(identity),
        by_id = example("import-by-string-id.tf")?,
        command = example("import.sh")?,
    ))
}

/// `### Identity Schema`: the attributes an `import` block must give, then those it may.
fn identity_schema(identity: &Identity) -> String {
    let mut out = String::from("### Identity Schema\n\n");
    for (title, required) in [("Required", true), ("Optional", false)] {
        let mut listed: Vec<_> = identity
            .attributes
            .iter()
            .filter(|(_, r, _)| *r == required)
            .collect();
        if listed.is_empty() {
            continue;
        }
        listed.sort_by_key(|(name, _, _)| *name);
        out.push_str(&format!("#### {title}\n\n"));
        for (name, _, description) in listed {
            out.push_str(&format!("- `{name}` (String) {}\n", description.trim()));
        }
        out.push('\n');
    }
    out
}

/// Where the registry explains write-only arguments (the link tfplugindocs writes).
const WRITE_ONLY_LINK: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";

/// The argument and attribute reference in tfplugindocs' layout: `## Schema`, the Required, Optional
/// and Read-Only groups (attributes and blocks sorted together by name), then a `Nested Schema`
/// section per block (`#nestedblock--x`), object attribute (`#nestedatt--x`) and object inside an
/// object (`#nestedobjatt--x--y`).
fn reference(attributes: &[Attr], blocks: &[(&str, &str, Vec<Attr>)]) -> String {
    let mut out = String::from("## Schema\n\n");
    let mut nested = Vec::new();
    for (title, roles) in GROUPS {
        let mut entries: Vec<(&str, String)> = attributes
            .iter()
            .filter(|a| roles.contains(&a.role))
            .map(|a| (a.name, attribute_line(a, &[], &mut nested)))
            .collect();
        if title == "Optional" {
            for (name, description, children) in blocks {
                let anchor = format!("nestedblock--{name}");
                entries.push((
                    name,
                    format!(
                        "- `{name}` (Block, Optional) {description} (see [below for nested schema](#{anchor}))\n"
                    ),
                ));
                nested.push(Nested::Block(anchor, (*name).to_owned(), children.clone()));
            }
        }
        if entries.is_empty() {
            continue;
        }
        entries.sort_by(|a, b| a.0.cmp(b.0));
        out.push_str(&format!("### {title}\n\n"));
        if attributes
            .iter()
            .any(|a| roles.contains(&a.role) && a.write_only.is_some())
        {
            out.push_str(&format!(
                "> **NOTE**: [Write-only arguments]({WRITE_ONLY_LINK}) are supported in Terraform 1.11 and later.\n\n"
            ));
        }
        for (_, entry) in entries {
            out.push_str(&entry);
        }
        out.push('\n');
    }
    write_nested(&mut out, nested);
    out
}

/// The three groups of a schema, by role, as tfplugindocs orders them.
const GROUPS: [(&str, &[Role]); 3] = [
    ("Required", &[Role::Required]),
    ("Optional", &[Role::Optional, Role::OptionalComputed]),
    ("Read-Only", &[Role::Computed]),
];

/// A section still to write below the groups: a block (anchor, title, attributes), or an object
/// type (anchor, dotted path, its type, and the group title its fields go under).
enum Nested {
    Block(String, String, Vec<Attr>),
    Object(String, Vec<String>, AttributeType, &'static str),
}

fn write_nested(out: &mut String, sections: Vec<Nested>) {
    for section in sections {
        match section {
            Nested::Block(anchor, title, children) => {
                out.push_str(&format!(
                    "<a id=\"{anchor}\"></a>\n### Nested Schema for `{title}`\n\n"
                ));
                let mut inner = Vec::new();
                for (group, roles) in GROUPS {
                    let mut listed: Vec<&Attr> =
                        children.iter().filter(|a| roles.contains(&a.role)).collect();
                    if listed.is_empty() {
                        continue;
                    }
                    listed.sort_by_key(|a| a.name);
                    out.push_str(&format!("{group}:\n\n"));
                    for attr in listed {
                        out.push_str(&attribute_line(attr, &[title.as_str()], &mut inner));
                    }
                    out.push('\n');
                }
                write_nested(out, inner);
            }
            Nested::Object(anchor, path, object, group) => {
                out.push_str(&format!(
                    "<a id=\"{anchor}\"></a>\n### Nested Schema for `{}`\n\n{group}:\n\n",
                    path.join(".")
                ));
                let mut inner = Vec::new();
                if let AttributeType::Object(fields) = &object {
                    let mut names: Vec<&String> = fields.keys().collect();
                    names.sort();
                    for name in names {
                        let field_type = &fields[name];
                        let mut field_path = path.clone();
                        field_path.push(name.clone());
                        let mut text = format!("- `{name}` ({})", type_name(field_type));
                        if let Some(inner_object) = object_of(field_type) {
                            let anchor = format!("nestedobjatt--{}", field_path.join("--"));
                            text.push_str(&format!(" (see [below for nested schema](#{anchor}))"));
                            inner.push(Nested::Object(anchor, field_path, inner_object, group));
                        }
                        out.push_str(&text);
                        out.push('\n');
                    }
                }
                out.push('\n');
                write_nested(out, inner);
            }
        }
    }
}

/// The object type an attribute of this type is documented by: an object, or a collection of them.
fn object_of(attr_type: &AttributeType) -> Option<AttributeType> {
    match attr_type {
        AttributeType::Object(_) => Some(attr_type.clone()),
        AttributeType::List(inner) | AttributeType::Set(inner) | AttributeType::Map(inner) => {
            matches!(**inner, AttributeType::Object(_)).then(|| (**inner).clone())
        }
        _ => None,
    }
}

/// One attribute's line: `- `name` (Type, Sensitive, Write-only) description`, with a link to its
/// nested section (queued in `nested`) when its type is an object or a collection of them.
fn attribute_line(attr: &Attr, parents: &[&str], nested: &mut Vec<Nested>) -> String {
    let attr_type = attr.kind.attribute_type();
    let mut marks = vec![type_name(&attr_type)];
    if attr.sensitive {
        marks.push("Sensitive".into());
    }
    if attr.write_only.is_some() {
        marks.push(format!("[Write-only]({WRITE_ONLY_LINK})"));
    }
    if let AttrType::Nested(nesting, _) = attr.kind {
        marks[0] = match nesting {
            Nesting::Single => "Attributes".into(),
            Nesting::List => "Attributes List".into(),
        };
    }
    let mut text = format!("- `{}` ({})", attr.name, marks.join(", "));
    let description = attr.full_description();
    if !description.is_empty() {
        text.push(' ');
        text.push_str(&description);
    }
    let path: Vec<String> = parents
        .iter()
        .map(|p| (*p).to_owned())
        .chain([attr.name.to_owned()])
        .collect();
    let anchor = format!("nestedatt--{}", path.join("--"));
    let see_below = format!(" (see [below for nested schema](#{anchor}))");
    if let AttrType::Nested(_, children) = attr.kind {
        text.push_str(&see_below);
        nested.push(Nested::Block(anchor, path.join("."), children()));
    } else if let Some(object) = object_of(&attr_type) {
        text.push_str(&see_below);
        let group = match attr.role {
            Role::Required => "Required",
            Role::Optional | Role::OptionalComputed => "Optional",
            Role::Computed => "Read-Only",
        };
        nested.push(Nested::Object(anchor, path, object, group));
    }
    text.push('\n');
    text
}

fn type_name(attr_type: &AttributeType) -> String {
    match attr_type {
        AttributeType::String => "String".into(),
        AttributeType::Bool => "Boolean".into(),
        AttributeType::Number => "Number".into(),
        AttributeType::List(inner) => format!("List of {}", type_name(inner)),
        AttributeType::Set(inner) => format!("Set of {}", type_name(inner)),
        AttributeType::Map(inner) => format!("Map of {}", type_name(inner)),
        AttributeType::Object(_) | AttributeType::AttributeSingle(_) => "Object".into(),
        _ => "Dynamic".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{Compare, Replaces};

    #[test]
    fn the_reference_marks_roles_sensitivity_write_only_and_replacement() {
        let table = [
            Attr::new("name", AttrType::String, Role::Required, "The name."),
            Attr::new("key", AttrType::String, Role::Optional, "A key.")
                .sensitive()
                .write_only("old_key")
                .replacing(Replaces::Always(Compare::Exact)),
            Attr::new("id", AttrType::String, Role::Computed, "The id."),
        ];
        let text = reference(&table, &[]);
        assert!(
            text.contains("### Required\n\n- `name` (String) The name.\n"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "- `key` (String, Sensitive, [Write-only]({WRITE_ONLY_LINK})) A key. Forces replacement.\n"
            )),
            "{text}"
        );
        assert!(
            text.contains("### Read-Only\n\n- `id` (String) The id.\n"),
            "{text}"
        );
    }
}
