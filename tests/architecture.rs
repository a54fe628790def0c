//! The layering rules of ARCHITECTURE.md, checked on the source as the compiler sees it: every file
//! under `src/` is parsed, and every `use` tree and every path that starts at `crate`, `super`, `self`
//! or a watched external crate is resolved to the module it names. The rules are then stated as which
//! modules a layer may reach; and every file under `src/` must appear in ARCHITECTURE.md by its path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// External crates whose use is a layering decision (the Terraform value model, the wire formats).
const WATCHED_CRATES: [&str; 5] = ["tf_provider", "rmp_serde", "rmpv", "prost", "tonic"];

/// One file of `src/`: its path relative to `src/`, and the module path it is compiled as.
struct SourceFile {
    relative: String,
    module: Vec<String>,
    /// A binary's own root (`main.rs`, `bin/*.rs`): there `cni::` is the library's root.
    binary: bool,
}

fn src_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every Rust file under `src/`, sorted.
fn source_files() -> Vec<SourceFile> {
    let root = src_root();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(&root)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(source_file(relative));
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    assert!(files.len() > 20, "src/ has its files");
    files
}

fn source_file(relative: String) -> SourceFile {
    let binary = relative == "main.rs" || relative.starts_with("bin/");
    let mut module: Vec<String> = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if binary || matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
        module.pop();
    }
    if binary {
        module.clear();
    }
    SourceFile {
        relative,
        module,
        binary,
    }
}

/// What a file refers to: library module paths (`["api", "transport", "Client"]`) and watched crates.
#[derive(Default)]
struct References {
    modules: BTreeSet<Vec<String>>,
    crates: BTreeSet<String>,
}

/// Walks a parsed file, keeping the inline modules it is in (`mod tests { use super::*; }`).
struct Collector<'a> {
    file: &'a SourceFile,
    inline: Vec<String>,
    found: References,
}

impl Collector<'_> {
    /// The module the code being walked is in.
    fn here(&self) -> Vec<String> {
        let mut here = self.file.module.clone();
        here.extend(self.inline.iter().cloned());
        here
    }

    /// Records a path given by its segments, resolved from the module being walked.
    fn record(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else {
            return;
        };
        let resolved = match first.as_str() {
            "crate" if !self.file.binary => segments[1..].to_vec(),
            "cni" if self.file.binary => segments[1..].to_vec(),
            "self" => [self.here(), segments[1..].to_vec()].concat(),
            "super" => {
                let mut base = self.here();
                let mut rest = segments;
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                [base, rest.to_vec()].concat()
            }
            name if WATCHED_CRATES.contains(&name) => {
                self.found.crates.insert(name.to_owned());
                return;
            }
            _ => return,
        };
        if !resolved.is_empty() {
            self.found.modules.insert(resolved);
        }
    }

    /// Every full path a `use` tree stands for.
    fn expand(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix;
                next.push(p.ident.to_string());
                Self::expand(&p.tree, next, out);
            }
            syn::UseTree::Name(n) => out.push([prefix, vec![n.ident.to_string()]].concat()),
            syn::UseTree::Rename(r) => out.push([prefix, vec![r.ident.to_string()]].concat()),
            syn::UseTree::Glob(_) => out.push(prefix),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    Self::expand(item, prefix.clone(), out);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.inline.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.inline.pop();
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        Self::expand(&item.tree, Vec::new(), &mut paths);
        for path in paths {
            self.record(&path);
            // A `use` path may start at a child module (`use ledger::Ticket;`): it is then relative.
            if path
                .first()
                .is_some_and(|first| !matches!(first.as_str(), "crate" | "super" | "self"))
            {
                self.record(&[vec!["self".to_owned()], path].concat());
            }
        }
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(super)` names who may see an item, not what it depends on.
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        // A lone `self` is the receiver of a method, not a module.
        if segments.len() > 1 || segments.first().is_some_and(|s| s != "self") {
            self.record(&segments);
        }
        syn::visit::visit_path(self, path);
    }
}

/// Every file's references, by its path relative to `src/`.
fn references() -> BTreeMap<String, References> {
    source_files()
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(src_root().join(&file.relative)).expect("read a file");
            let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.relative));
            let mut collector = Collector {
                file: &file,
                inline: Vec::new(),
                found: References::default(),
            };
            collector.visit_file(&parsed);
            (file.relative.clone(), collector.found)
        })
        .collect()
}

/// Fails for every file under `src/<layer>` (or the file `<layer>.rs`) that reaches a module path
/// starting with one of `forbidden` (`"plugin"`, `"plugin::proto"`) or uses a forbidden crate.
fn assert_layer_never_reaches(layer: &str, forbidden: &[&str], forbidden_crates: &[&str]) {
    let all = references();
    let in_layer: Vec<_> = all
        .iter()
        .filter(|(file, _)| file.starts_with(&format!("{layer}/")) || **file == format!("{layer}.rs"))
        .collect();
    assert!(!in_layer.is_empty(), "no file in {layer}");
    for (file, found) in in_layer {
        for module in &found.modules {
            let named = module.join("::");
            for rule in forbidden {
                assert!(
                    !(named == *rule || named.starts_with(&format!("{rule}::"))),
                    "src/{file} reaches {named}, which the {layer} layer must not (ARCHITECTURE.md)"
                );
            }
        }
        for name in forbidden_crates {
            assert!(
                !found.crates.contains(*name),
                "src/{file} uses the crate {name}, which the {layer} layer must not (ARCHITECTURE.md)"
            );
        }
    }
}

/// Every top-level module of the library but the given ones.
fn every_module_but(allowed: &[&str]) -> Vec<&'static str> {
    const TOP_LEVEL: [&str; 16] = [
        "actions",
        "api",
        "attributes",
        "context",
        "data_sources",
        "diag",
        "docs",
        "functions",
        "interrupt",
        "logging",
        "mock",
        "plugin",
        "provider",
        "registry",
        "resources",
        "shared",
    ];
    TOP_LEVEL.into_iter().filter(|m| !allowed.contains(m)).collect()
}

#[test]
fn the_rest_module_knows_nothing_of_terraform() {
    assert_layer_never_reaches("api", &every_module_but(&["api"]), &WATCHED_CRATES);
}

#[test]
fn the_mock_shares_no_code_with_the_rest_module() {
    assert_layer_never_reaches("mock", &every_module_but(&["mock"]), &WATCHED_CRATES);
}

#[test]
fn the_plugin_layer_knows_no_concrete_type_and_no_rest_client() {
    assert_layer_never_reaches(
        "plugin",
        &every_module_but(&["plugin", "interrupt", "logging"]),
        &[],
    );
    // Nor does it name one: the names of the types it serves come from the registry.
    for file in source_files()
        .iter()
        .filter(|f| f.relative.starts_with("plugin/"))
    {
        let text = std::fs::read_to_string(src_root().join(&file.relative)).expect("read a file");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for word in ["Interconnect", "cni_"] {
                assert!(!code.contains(word), "src/{} names {word}: {line}", file.relative);
            }
        }
    }
}

/// What resources, data sources and actions may reach of the plugin layer: its typed traits, never the
/// wire (generated protobuf types, conversions, the server).
const WIRE: [&str; 6] = [
    "plugin::proto",
    "plugin::convert",
    "plugin::service",
    "plugin::server",
    "plugin::listener",
    "plugin::tls",
];

#[test]
fn types_reach_terraform_only_through_the_plugin_layers_typed_traits() {
    for layer in ["resources", "data_sources", "actions", "functions"] {
        let mut forbidden = vec!["provider", "registry", "mock", "docs"];
        forbidden.extend(WIRE);
        assert_layer_never_reaches(layer, &forbidden, &["rmp_serde", "rmpv", "prost", "tonic"]);
    }
}

#[test]
fn the_provider_block_and_the_context_know_no_type() {
    for layer in ["provider", "context"] {
        assert_layer_never_reaches(
            layer,
            &[
                "resources",
                "data_sources",
                "actions",
                "functions",
                "registry",
                "plugin::proto",
            ],
            &[],
        );
    }
}

#[test]
fn only_the_registry_and_the_docs_know_every_type() {
    let all = references();
    for (file, found) in &all {
        if matches!(file.as_str(), "registry.rs" | "docs.rs" | "main.rs" | "lib.rs") {
            continue;
        }
        let reaches = |layer: &str| {
            found
                .modules
                .iter()
                .any(|m| m.first().is_some_and(|f| f == layer))
        };
        let layers = ["resources", "data_sources", "actions"];
        let known = layers.iter().filter(|l| reaches(l)).count();
        let own = layers.iter().any(|l| file.starts_with(&format!("{l}/")));
        assert!(
            known == 0 || (own && known == 1),
            "src/{file} reaches {known} families of types; only registry.rs may know them all"
        );
    }
}

#[test]
fn every_file_under_src_is_in_architecture_md_by_its_path() {
    let map = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let missing: Vec<String> = source_files()
        .into_iter()
        .map(|f| f.relative)
        .filter(|relative| {
            !map.contains(&format!("`{relative}`")) && !map.contains(&format!("`src/{relative}`"))
        })
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md does not name: {missing:?}");
    assert!(
        map.contains("## Where a change goes"),
        "ARCHITECTURE.md has its \"where a change goes\" table"
    );
}

#[test]
fn the_resolver_sees_through_groups_super_and_inline_modules() {
    let file = source_file("resources/interconnect/list.rs".to_owned());
    let parsed: syn::File = syn::parse_str(
        "use crate::{plugin::{handlers::Listed, proto}, api};\n\
         use super::plan;\n\
         mod tests { use super::super::apply; fn f() { let _ = rmp_serde::to_vec(&1); } }\n\
         fn g() -> crate::context::ProviderContext { todo!() }",
    )
    .expect("parse");
    let mut collector = Collector {
        file: &file,
        inline: Vec::new(),
        found: References::default(),
    };
    collector.visit_file(&parsed);
    let named: BTreeSet<String> = collector.found.modules.iter().map(|m| m.join("::")).collect();
    for expected in [
        "plugin::handlers::Listed",
        "plugin::proto",
        "api",
        "resources::interconnect::plan",
        "resources::interconnect::apply",
        "context::ProviderContext",
    ] {
        assert!(named.contains(expected), "{expected} in {named:?}");
    }
    assert!(collector.found.crates.contains("rmp_serde"));
}

/// The re-exports of a file (`pub use a::b::C;` and `pub use a::{B, C as D}`): exported name → the
/// module path it stands for, resolved like any other path.
fn re_exports(file: &SourceFile, parsed: &syn::File) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for item in &parsed.items {
        let syn::Item::Use(item) = item else { continue };
        if !matches!(
            item.vis,
            syn::Visibility::Public(_) | syn::Visibility::Restricted(_)
        ) {
            continue;
        }
        let mut paths = Vec::new();
        Collector::expand(&item.tree, Vec::new(), &mut paths);
        for path in paths {
            let mut collector = Collector {
                file,
                inline: Vec::new(),
                found: References::default(),
            };
            // A path in a 2018-edition `use` inside a module is relative to that module.
            let absolute = match path.first().map(String::as_str) {
                Some("crate" | "super" | "self") => path.clone(),
                _ => [vec!["self".to_owned()], path.clone()].concat(),
            };
            collector.record(&absolute);
            if let (Some(name), Some(resolved)) = (path.last(), collector.found.modules.into_iter().next()) {
                out.insert(name.clone(), resolved);
            }
        }
    }
    out
}

/// The file-level dependency graph of `src/` (the library's files): each file → the files whose items
/// it names, re-exports followed to the file that defines the item.
fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<SourceFile> = source_files().into_iter().filter(|f| !f.binary).collect();
    let by_module: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|f| (f.module.clone(), f.relative.clone()))
        .collect();
    let parsed: BTreeMap<String, syn::File> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(src_root().join(&f.relative)).expect("read a file");
            (f.relative.clone(), syn::parse_file(&text).expect("parse"))
        })
        .collect();
    let exports: BTreeMap<String, BTreeMap<String, Vec<String>>> = files
        .iter()
        .map(|f| (f.relative.clone(), re_exports(f, &parsed[&f.relative])))
        .collect();
    // The file that defines what a module path names, following re-exports (a bounded number of hops).
    let target = |path: &[String]| -> Option<String> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let (len, file) = (1..=path.len())
                .rev()
                .find_map(|len| by_module.get(&path[..len]).map(|f| (len, f.clone())))?;
            let next = path.get(len).and_then(|name| exports[&file].get(name));
            match next {
                Some(resolved) if resolved.as_slice() != path.as_slice() => path = resolved.clone(),
                _ => return Some(file),
            }
        }
        None
    };
    let references = references();
    files
        .iter()
        .map(|f| {
            let to: BTreeSet<String> = references[&f.relative]
                .modules
                .iter()
                .filter_map(|m| target(m))
                .filter(|t| *t != f.relative && !f.module.is_empty())
                .collect();
            (f.relative.clone(), to)
        })
        .collect()
}

/// A cycle of the graph, if it has one (depth-first search).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            return Some([&path[start..], &[node.to_owned()]].concat());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_rest_module_depends_one_way_transport_endpoints_runtime() {
    let graph = file_graph();
    let api: BTreeMap<String, BTreeSet<String>> = graph
        .iter()
        .filter(|(file, _)| file.starts_with("api/") && file.as_str() != "api/mod.rs")
        .map(|(file, to)| {
            (
                file.clone(),
                to.iter()
                    .filter(|t| t.as_str() != "api/mod.rs")
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    assert_eq!(find_cycle(&api), None, "an import cycle inside api/");
    let reaches = |from: &str, to: &str| api.get(from).is_some_and(|t| t.contains(to));
    // The graph sees the dependencies that are meant to be there, re-exports followed.
    for (from, to) in [
        ("api/client.rs", "api/reconcile/mod.rs"),
        ("api/reconcile/mod.rs", "api/reconcile/baseline.rs"),
        ("api/client.rs", "api/listing.rs"),
        ("api/listing.rs", "api/transport.rs"),
        ("api/endpoints.rs", "api/transport.rs"),
    ] {
        assert!(reaches(from, to), "{from} → {to} in {api:?}");
    }
    for low in ["api/transport.rs", "api/endpoints.rs"] {
        for high in [
            "api/client.rs",
            "api/listing.rs",
            "api/reconcile.rs",
            "api/wait.rs",
        ] {
            assert!(!reaches(low, high), "{low} reaches the runtime's {high}");
        }
    }
    assert!(
        !reaches("api/transport.rs", "api/endpoints.rs"),
        "transport knows no endpoint"
    );
}

#[test]
fn the_mocks_store_is_pure_and_knows_neither_control_nor_routes() {
    let graph = file_graph();
    let store: Vec<(&String, &BTreeSet<String>)> = graph
        .iter()
        .filter(|(file, _)| file.starts_with("mock/store/"))
        .collect();
    assert!(store.len() > 5, "the store's files are seen: {store:?}");
    for (file, to) in store {
        for reached in to {
            // Its tests may take the mock's default account.
            let allowed = reached.starts_with("mock/store/")
                || reached.as_str() == "mock/envelope.rs"
                || (file.as_str() == "mock/store/tests.rs" && reached.as_str() == "mock/mod.rs");
            assert!(
                allowed,
                "{file} reaches {reached}: the store knows no HTTP, control API or log"
            );
        }
    }
    let reaches = |from: &str, to: &str| graph.get(from).is_some_and(|t| t.contains(to));
    assert!(
        reaches("mock/control.rs", "mock/store/mod.rs"),
        "control → store is seen"
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let line: BTreeMap<String, BTreeSet<String>> = [("a".to_owned(), BTreeSet::from(["b".to_owned()]))]
        .into_iter()
        .collect();
    assert_eq!(find_cycle(&line), None);
}

#[test]
fn the_files_of_src_have_no_import_cycle() {
    let graph = file_graph();
    assert_eq!(
        find_cycle(&graph),
        None,
        "an import cycle among the files of src/"
    );
}

#[test]
fn no_file_of_src_is_over_600_lines() {
    let long: Vec<(String, usize)> = source_files()
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(src_root().join(&f.relative)).expect("read a file");
            (f.relative, text.lines().count())
        })
        .filter(|(_, lines)| *lines > 600)
        .collect();
    assert!(long.is_empty(), "split these by concept: {long:?}");
}
