//! The code's layout, checked: dependencies between source files run one way, and no file grows
//! past the size a reader can hold.
//!
//! Each `.rs` file under `src/` is a node. A file depends on another when it names an item that
//! other file defines or re-exports: `use crate::scenario::Scenario` in `run/jobs.rs` makes it
//! depend on `scenario/mod.rs` if that is where the name is reached, and `scenario/mod.rs` in turn
//! depends on whatever it re-exports. `mod x;` declarations are structure, not dependencies, and
//! `#[cfg(test)]` code is left out (a test may use fixtures from anywhere). The rule is stricter
//! than the compiler's, which allows any cycle: a façade `mod.rs` may re-export its children only if
//! they do not reach back through it, so reading the tree top-down never loops.
//!
//! The files are parsed with `syn`, so paths in expressions, types and patterns count as well as
//! `use` lines, and comments and strings never do.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use syn::visit::Visit;

/// Longest a source file may be, unit tests included.
const MAX_LINES: usize = 800;

/// One source file: its module path from the crate root and what it names.
struct Module {
    /// Child modules declared in this file (`mod x;`), outside test code.
    children: BTreeSet<String>,
    /// Paths named in this file, as written: each a list of segments.
    paths: Vec<Vec<String>>,
    /// Names of the items this file declares `pub`.
    public: Vec<String>,
}

/// Every path named outside `#[cfg(test)]` code, every `mod x;` declaration, and the names of
/// the items declared `pub` (not `pub(crate)`).
#[derive(Default)]
struct Names {
    children: Vec<(String, Option<String>)>,
    paths: Vec<Vec<String>>,
    public: Vec<String>,
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Expands a `use` tree into full paths (`use a::{b, c::d}` gives `a::b` and `a::c::d`).
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.clone();
            if n.ident != "self" {
                path.push(n.ident.to_string());
            }
            out.push(path);
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push(path);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_paths(t, prefix, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if is_test_only(attrs) {
            return;
        }
        let public = match item {
            syn::Item::Fn(i) if is_pub(&i.vis) => Some(&i.sig.ident),
            syn::Item::Const(i) if is_pub(&i.vis) => Some(&i.ident),
            syn::Item::Static(i) if is_pub(&i.vis) => Some(&i.ident),
            syn::Item::Struct(i) if is_pub(&i.vis) => Some(&i.ident),
            syn::Item::Enum(i) if is_pub(&i.vis) => Some(&i.ident),
            syn::Item::Trait(i) if is_pub(&i.vis) => Some(&i.ident),
            syn::Item::Type(i) if is_pub(&i.vis) => Some(&i.ident),
            _ => None,
        };
        self.public.extend(public.map(|i| i.to_string()));
        match item {
            syn::Item::Mod(m) if m.content.is_none() => {
                self.children
                    .push((m.ident.to_string(), path_attribute(&m.attrs)));
            }
            syn::Item::Use(u) => use_paths(&u.tree, &mut Vec::new(), &mut self.paths),
            _ => syn::visit::visit_item(self, item),
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test_only(&f.attrs) {
            if is_pub(&f.vis) {
                self.public.push(f.sig.ident.to_string());
            }
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.segments.len() > 1 {
            self.paths
                .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Paths inside macro calls (`format!`, `anyhow!`, `matches!`) are tokens to syn: parse
        // them as comma-separated expressions where they are, and skip what is not.
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = m.parse_body_with(parser) {
            for e in &args {
                self.visit_expr(e);
            }
        }
        syn::visit::visit_macro(self, m);
    }
}

/// Reads the module tree from `src/lib.rs` down.
fn read_tree(src: &Path) -> BTreeMap<Vec<String>, Module> {
    let mut tree = BTreeMap::new();
    let mut todo = vec![(Vec::<String>::new(), src.join("lib.rs"))];
    while let Some((path, file)) = todo.pop() {
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut names = Names::default();
        names.visit_file(&ast);
        // A file `x.rs` keeps its children in `x/`; `mod.rs` and `lib.rs` in their own folder.
        let dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs") => file.parent().unwrap().to_path_buf(),
            _ => file.with_extension(""),
        };
        let mut children = BTreeSet::new();
        for (child, explicit) in names.children {
            let child_file = match explicit {
                Some(p) => file.parent().unwrap().join(p),
                None if dir.join(format!("{child}.rs")).exists() => dir.join(format!("{child}.rs")),
                None => dir.join(&child).join("mod.rs"),
            };
            let mut child_path = path.clone();
            child_path.push(child.clone());
            children.insert(child);
            todo.push((child_path, child_file));
        }
        tree.insert(
            path,
            Module {
                children,
                paths: names.paths,
                public: names.public,
            },
        );
    }
    tree
}

/// The file a path named in module `from` leads to, if it is one of the crate's.
fn target(
    tree: &BTreeMap<Vec<String>, Module>,
    from: &[String],
    path: &[String],
) -> Option<Vec<String>> {
    let mut at: Vec<String> = from.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                at.pop()?;
                rest = &rest[1..];
            }
        }
        // A child module named directly (`load::parse`, edition 2018 paths).
        Some(first) if tree[from].children.contains(first) => {}
        _ => return None,
    }
    while let Some(next) = rest.first() {
        let mut deeper = at.clone();
        deeper.push(next.clone());
        if !tree.contains_key(&deeper) {
            break;
        }
        at = deeper;
        rest = &rest[1..];
    }
    Some(at)
}

fn show(path: &[String]) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

/// Every cycle among the files of the crate rooted at `src/lib.rs`, each as the steps around it.
fn cycles_in(tree: &BTreeMap<Vec<String>, Module>) -> Vec<String> {
    // Dependencies, with one path that shows each.
    let mut edges: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for (from, module) in tree {
        for path in &module.paths {
            if let Some(to) = target(tree, from, path)
                && &to != from
            {
                edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| path.join("::"));
            }
        }
    }
    // Any cycle shows as a module that reaches itself; report each cycle once, shortest first.
    let mut cycles: BTreeSet<Vec<Vec<String>>> = BTreeSet::new();
    for start in tree.keys() {
        // Breadth-first search back to `start`, keeping each node's predecessor.
        let mut seen: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        let mut frontier = vec![start.clone()];
        'search: while !frontier.is_empty() {
            let mut next = Vec::new();
            for node in frontier {
                for to in edges.get(&node).into_iter().flat_map(|e| e.keys()) {
                    if to == start {
                        let mut cycle = vec![node.clone()];
                        let mut at = node.clone();
                        while &at != start {
                            at = seen[&at].clone();
                            cycle.push(at.clone());
                        }
                        cycle.reverse();
                        // The same cycle from any of its nodes is one cycle.
                        let low = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap();
                        cycle.rotate_left(low);
                        cycles.insert(cycle);
                        break 'search;
                    }
                    if !seen.contains_key(to) {
                        seen.insert(to.clone(), node.clone());
                        next.push(to.clone());
                    }
                }
            }
            frontier = next;
        }
    }
    cycles
        .iter()
        .map(|cycle| {
            let mut steps = Vec::new();
            for (i, from) in cycle.iter().enumerate() {
                let to = &cycle[(i + 1) % cycle.len()];
                steps.push(format!(
                    "{} → {} (names {})",
                    show(from),
                    show(to),
                    edges[from][to]
                ));
            }
            steps.join(", ")
        })
        .collect()
}

#[test]
fn source_files_depend_on_each_other_one_way() {
    let tree = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(tree.len() > 20, "read only {} modules", tree.len());
    let cycles = cycles_in(&tree);
    assert!(
        cycles.is_empty(),
        "{} import cycle(s):\n{}",
        cycles.len(),
        cycles.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle_through_a_facade_and_not_without_it() {
    // A façade re-exporting a child that reaches back through it: the rule this file enforces.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::create_dir(src.join("a")).unwrap();
    fs::write(src.join("lib.rs"), "mod a;\nmod b;\n").unwrap();
    fs::write(
        src.join("a/mod.rs"),
        "mod inner;\npub use inner::Thing;\npub struct Base;\n",
    )
    .unwrap();
    fs::write(src.join("a/inner.rs"), "pub struct Thing(super::Base);\n").unwrap();
    fs::write(src.join("b.rs"), "fn f() { let _ = crate::a::Base; }\n").unwrap();
    let cycles = cycles_in(&read_tree(src));
    assert_eq!(
        cycles,
        vec!["a → a::inner (names inner::Thing), a::inner → a (names super::Base)".to_string()]
    );
    // Base moved beside Thing, named by its own file: no cycle.
    fs::write(
        src.join("a/mod.rs"),
        "mod base;\nmod inner;\npub use inner::Thing;\n",
    )
    .unwrap();
    fs::write(src.join("a/base.rs"), "pub struct Base;\n").unwrap();
    fs::write(
        src.join("a/inner.rs"),
        "pub struct Thing(super::base::Base);\n",
    )
    .unwrap();
    fs::write(src.join("b.rs"), "fn f() { let _ = crate::a::Thing; }\n").unwrap();
    assert_eq!(cycles_in(&read_tree(src)), Vec::<String>::new());
    // A path inside a macro call counts; one in a comment or a string does not; nor does test code.
    fs::write(
        src.join("b.rs"),
        "// crate::a::x\nfn f() { let _ = format!(\"{:?} crate::c\", crate::a::Thing); }\n\
         #[cfg(test)]\nmod tests { fn g() { let _ = crate::c::C; } }\n",
    )
    .unwrap();
    fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").unwrap();
    fs::write(
        src.join("c.rs"),
        "pub struct C;\nfn h() { let _ = crate::b::f; }\n",
    )
    .unwrap();
    let tree = read_tree(src);
    let b = &tree[&vec!["b".to_string()]];
    assert_eq!(
        b.paths,
        vec![vec!["crate".to_string(), "a".into(), "Thing".into()]]
    );
    assert_eq!(cycles_in(&tree), Vec::<String>::new());
}

#[test]
fn no_source_file_is_longer_than_a_reader_can_hold() {
    let files = rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(files.len() > 20, "found only {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// How often each identifier occurs in the given files' code (comments and strings excluded).
fn identifier_counts(files: &[std::path::PathBuf]) -> BTreeMap<String, usize> {
    fn walk(tokens: proc_macro2::TokenStream, counts: &mut BTreeMap<String, usize>) {
        for t in tokens {
            match t {
                proc_macro2::TokenTree::Ident(i) => *counts.entry(i.to_string()).or_default() += 1,
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), counts),
                _ => {}
            }
        }
    }
    let mut counts = BTreeMap::new();
    for f in files {
        let text = fs::read_to_string(f).unwrap();
        let tokens: proc_macro2::TokenStream = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        walk(tokens, &mut counts);
    }
    counts
}

#[test]
fn every_public_item_is_used_somewhere() {
    // `pub(crate)` items are the compiler's to flag when unused; a `pub` one it cannot, so it is
    // checked here: its name must occur somewhere besides its own declaration, in the library,
    // its binary, the tests or the benches.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree = read_tree(&root.join("src"));
    let mut files = rust_files(&root.join("src"));
    files.extend(rust_files(&root.join("tests")));
    files.extend(rust_files(&root.join("benches")));
    let counts = identifier_counts(&files);
    let mut declared: BTreeMap<&str, usize> = BTreeMap::new();
    for m in tree.values() {
        for name in &m.public {
            *declared.entry(name).or_default() += 1;
        }
    }
    let unused: Vec<&str> = declared
        .iter()
        .filter(|(name, n)| counts.get(**name).copied().unwrap_or(0) <= **n)
        .map(|(name, _)| *name)
        .collect();
    assert!(
        unused.is_empty(),
        "public items named nowhere but where they are declared: {}",
        unused.join(", ")
    );
}
