//! The registry pages under `docs/`, generated from the attribute tables (the one place each
//! attribute is declared) and short hand-written templates under `templates/`. A template is markdown
//! with placeholders: `{{schema}}` (the argument and attribute reference of the page's type) and
//! `{{example:<path under examples/>}}` (that file, fenced). `make docs` writes the pages; a test fails
//! when the committed ones differ.

use std::path::Path;

use tf_provider::schema::AttributeType;

use crate::attributes::{Attr, Compare, Replaces, Role};

/// One generated page: its path under the repository root, the template it comes from, and the
/// attributes of its type with its nested blocks (name and their attributes).
struct Page {
    path: &'static str,
    template: &'static str,
    attributes: Vec<Attr>,
    blocks: Vec<(&'static str, &'static str, Vec<Attr>)>,
}

fn pages() -> Vec<Page> {
    use crate::data_sources::{interconnect, interconnect_loa, interconnects, slots};
    use crate::resources::interconnect as resource;
    let timeouts = || {
        vec![(
            "timeouts",
            "How long operations may take, as durations such as `30s`, `10m` or `1h30m`.",
            crate::tf_types::TIMEOUTS.to_vec(),
        )]
    };
    vec![
        Page {
            path: "docs/index.md",
            template: "templates/index.md.tmpl",
            attributes: crate::provider::ATTRIBUTES.to_vec(),
            blocks: vec![],
        },
        Page {
            path: "docs/resources/interconnect.md",
            template: "templates/resources/interconnect.md.tmpl",
            attributes: resource::attribute_table(),
            blocks: timeouts(),
        },
        Page {
            path: "docs/data-sources/interconnects.md",
            template: "templates/data-sources/interconnects.md.tmpl",
            attributes: interconnects::ATTRIBUTES.to_vec(),
            blocks: vec![],
        },
        Page {
            path: "docs/data-sources/interconnect.md",
            template: "templates/data-sources/interconnect.md.tmpl",
            attributes: interconnect::attribute_table(),
            blocks: vec![],
        },
        Page {
            path: "docs/data-sources/interconnect_loa.md",
            template: "templates/data-sources/interconnect_loa.md.tmpl",
            attributes: interconnect_loa::ATTRIBUTES.to_vec(),
            blocks: vec![],
        },
        Page {
            path: "docs/data-sources/slots.md",
            template: "templates/data-sources/slots.md.tmpl",
            attributes: slots::ATTRIBUTES.to_vec(),
            blocks: vec![],
        },
        Page {
            path: "docs/actions/interconnect_wait.md",
            template: "templates/actions/interconnect_wait.md.tmpl",
            attributes: crate::actions::interconnect_wait::ATTRIBUTES.to_vec(),
            blocks: vec![],
        },
        Page {
            path: "docs/list-resources/interconnect.md",
            template: "templates/list-resources/interconnect.md.tmpl",
            attributes: resource::LIST_ATTRIBUTES.to_vec(),
            blocks: vec![],
        },
    ]
}

/// Every page, rendered from the templates under `root`, then one page per provider function:
/// `(path, content)`.
pub fn render(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut rendered = pages()
        .into_iter()
        .map(|page| {
            let template = std::fs::read_to_string(root.join(page.template))
                .map_err(|e| format!("{}: {e}", page.template))?;
            let text = fill(&template, root, &page)?;
            Ok((page.path.to_owned(), text))
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
        } else if let Some(path) = trimmed
            .strip_prefix("{{example:")
            .and_then(|r| r.strip_suffix("}}"))
        {
            let code = std::fs::read_to_string(root.join("examples").join(path))
                .map_err(|e| format!("{}: example {path}: {e}", page.template))?;
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

/// The argument and attribute reference: required, optional, then read-only attributes, then blocks.
fn reference(attributes: &[Attr], blocks: &[(&str, &str, Vec<Attr>)]) -> String {
    let mut out = String::from("## Schema\n");
    let groups = [
        ("Required", vec![Role::Required]),
        ("Optional", vec![Role::Optional, Role::OptionalComputed]),
        ("Read-Only", vec![Role::Computed]),
    ];
    for (title, roles) in groups {
        let mut listed: Vec<&Attr> = attributes.iter().filter(|a| roles.contains(&a.role)).collect();
        listed.sort_by_key(|a| a.name);
        let has_blocks = title == "Optional" && !blocks.is_empty();
        if listed.is_empty() && !has_blocks {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for attr in listed {
            out.push_str(&line(attr));
        }
        if title == "Optional" {
            for (name, description, _) in blocks {
                out.push_str(&format!(
                    "- `{name}` (Block) {description} (see [below](#nested-schema-for-{name}))\n"
                ));
            }
        }
    }
    for (name, _, nested) in blocks {
        out.push_str(&format!(
            "\n<a id=\"nested-schema-for-{name}\"></a>\n### Nested Schema for `{name}`\n\nOptional:\n\n"
        ));
        for attr in nested {
            out.push_str(&line(attr));
        }
    }
    out
}

fn line(attr: &Attr) -> String {
    let mut marks = vec![type_name(&attr.kind.attribute_type())];
    if attr.sensitive {
        marks.push("Sensitive".into());
    }
    if attr.write_only.is_some() {
        marks.push("Write-only".into());
    }
    let mut text = format!(
        "- `{}` ({}) {}",
        attr.name,
        marks.join(", "),
        attr.description.trim()
    );
    if let Some(replacement) = replacement(attr.replaces) {
        if !attr.description.contains("replace") {
            text.push(' ');
            text.push_str(replacement);
        }
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

/// What the reference says of an attribute's change, when its description does not say it already.
fn replacement(replaces: Replaces) -> Option<&'static str> {
    match replaces {
        Replaces::Never => None,
        Replaces::Always(Compare::CreateOnly) => {
            Some("A different value forces replacement; adding or removing it does not.")
        }
        Replaces::Always(_) => Some("Forces replacement."),
        Replaces::WhenConfigured(_) => Some("Forces replacement when set."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::Kind;

    #[test]
    fn the_reference_marks_roles_sensitivity_write_only_and_replacement() {
        let table = [
            Attr::new("name", Kind::String, Role::Required, "The name."),
            Attr::new("key", Kind::String, Role::Optional, "A key.")
                .sensitive()
                .write_only("old_key")
                .replacing(Replaces::Always(Compare::Exact)),
            Attr::new("id", Kind::String, Role::Computed, "The id."),
        ];
        let text = reference(&table, &[]);
        assert!(
            text.contains("### Required\n\n- `name` (String) The name.\n"),
            "{text}"
        );
        assert!(
            text.contains("- `key` (String, Sensitive, Write-only) A key. Forces replacement.\n"),
            "{text}"
        );
        assert!(
            text.contains("### Read-Only\n\n- `id` (String) The id.\n"),
            "{text}"
        );
    }
}
