//! The layers, drawn from the imports: every `crate::…`, `super::…` and
//! `self::…` path in a source file is an edge to the file that defines the
//! longest module prefix of it. The rules (docs/ARCHITECTURE.md, "Layers"):
//! `server/` never imports `api/`; pages and components never import
//! `server/`; no circle of files in `src/` or in the emulator's `src/`.
//! A file's unit tests (its `#[cfg(test)] mod …` at the end) are not part of
//! the structure: their `super::*` is the file itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate's files by module path (`server::session` → `src/server/session/mod.rs`).
fn modules(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap();
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                parts.pop();
            }
            out.insert(parts, path);
        }
    }
    out
}

/// `use a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand)
        .map(|p| if p == "self" { prefix.to_string() } else { format!("{prefix}::{p}") })
        .collect()
}

/// `text` without its unit tests (from `#[cfg(test)] mod` or `#[cfg(all(test, …))] mod` on).
fn without_tests(text: &str) -> &str {
    let mut at = 0;
    while let Some(found) = text[at..].find("#[cfg(") {
        let start = at + found;
        let attr_end = text[start..].find(']').map_or(text.len(), |e| start + e + 1);
        let attr = &text[start..attr_end];
        if (attr.starts_with("#[cfg(test)") || attr.starts_with("#[cfg(all(test")) && text[attr_end..].trim_start().starts_with("mod ") {
            return &text[..start];
        }
        at = attr_end;
    }
    text
}

/// Every path in `text` that starts at `crate`, `super` or `self`, and every
/// `use` path (which may also start at a child module: `pub use child::Item`),
/// with where it stands.
fn paths(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = code[at..].find("use ") {
        let start = at + found;
        let tail = &code[start + 4..];
        let end = tail.find(';').unwrap_or(tail.len());
        if code[..start].chars().last().is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            out.extend(expand(&tail[..end]).into_iter().map(|p| (start, p)));
        }
        at = start + 4 + end;
    }
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        for (i, _) in code.match_indices(start) {
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':') {
                continue;
            }
            let end = code[i..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).map_or(code.len(), |e| i + e);
            out.push((i, code[i..end].trim_end_matches(':').to_string()));
        }
    }
    out
}

/// The inline modules of `code` (`mod browser { … }`): name and the span of their braces.
fn inline_modules(code: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("mod ") {
        if i > 0 && (code.as_bytes()[i - 1].is_ascii_alphanumeric() || code.as_bytes()[i - 1] == b'_') {
            continue;
        }
        let rest = &code[i + 4..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if name.is_empty() || !rest[name.len()..].trim_start().starts_with('{') {
            continue;
        }
        let open = i + 4 + name.len() + rest[name.len()..].find('{').unwrap_or(0);
        let mut depth = 0;
        for (j, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push((name.clone(), open, open + j));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The file each path of a file (module `here`) leads to.
fn edges(here: &[String], text: &str, all: &BTreeMap<Vec<String>, PathBuf>) -> BTreeSet<PathBuf> {
    let code: String = without_tests(text).lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let inline = inline_modules(&code);
    let mut out = BTreeSet::new();
    for (at, path) in paths(&code) {
        // The module the path is written in: the file's, or an inline one inside it.
        let mut current = here.to_vec();
        current.extend(inline.iter().filter(|(_, from, to)| (*from..*to).contains(&at)).map(|(name, _, _)| name.clone()));
        let mut segments = path.split("::").filter(|s| !s.is_empty()).peekable();
        let mut module: Vec<String> = match segments.peek().copied() {
            Some("crate") => {
                segments.next();
                Vec::new()
            }
            Some("self") => {
                segments.next();
                current
            }
            Some("super") => {
                let mut m = current;
                while segments.peek() == Some(&"super") {
                    segments.next();
                    m.pop();
                }
                m
            }
            // A child module of this one (an extern crate's path finds no module here).
            Some(child) if all.contains_key(&[current.as_slice(), &[child.to_string()]].concat()) => current,
            _ => continue,
        };
        module.extend(segments.map(str::to_string));
        while !module.is_empty() && !all.contains_key(&module) {
            module.pop();
        }
        if module.as_slice() != here && !module.is_empty() {
            out.insert(all[&module].clone());
        }
    }
    out
}

struct Graph {
    root: PathBuf,
    edges: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
}

fn graph(root: &Path) -> Graph {
    let all = modules(root);
    let mut edges = BTreeMap::new();
    for (module, file) in &all {
        let text = std::fs::read_to_string(file).unwrap();
        edges.insert(file.clone(), self::edges(module, &text, &all));
    }
    Graph { root: root.to_path_buf(), edges }
}

impl Graph {
    fn name(&self, p: &Path) -> String {
        p.strip_prefix(&self.root).unwrap_or(p).display().to_string()
    }

    /// The circles (strongly connected sets of more than one file), by Tarjan.
    fn circles(&self) -> Vec<Vec<String>> {
        struct Walk<'a> {
            g: &'a Graph,
            index: BTreeMap<&'a Path, usize>,
            low: BTreeMap<&'a Path, usize>,
            stack: Vec<&'a Path>,
            on: BTreeSet<&'a Path>,
            found: Vec<Vec<String>>,
        }
        fn visit<'a>(w: &mut Walk<'a>, v: &'a Path) {
            let i = w.index.len();
            w.index.insert(v, i);
            w.low.insert(v, i);
            w.stack.push(v);
            w.on.insert(v);
            for next in w.g.edges.get(v).into_iter().flatten() {
                let next = next.as_path();
                if !w.index.contains_key(next) {
                    visit(w, next);
                    let l = w.low[next].min(w.low[v]);
                    w.low.insert(v, l);
                } else if w.on.contains(next) {
                    let l = w.index[next].min(w.low[v]);
                    w.low.insert(v, l);
                }
            }
            if w.low[v] == w.index[v] {
                let mut set = Vec::new();
                while let Some(top) = w.stack.pop() {
                    w.on.remove(top);
                    set.push(w.g.name(top));
                    if top == v {
                        break;
                    }
                }
                if set.len() > 1 {
                    set.sort();
                    w.found.push(set);
                }
            }
        }
        let mut w = Walk { g: self, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), found: Vec::new() };
        for v in self.edges.keys() {
            if !w.index.contains_key(v.as_path()) {
                visit(&mut w, v);
            }
        }
        w.found
    }

    /// Files under `from` that import a file under `to`.
    fn crossings(&self, from: &str, to: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (file, targets) in &self.edges {
            if !self.name(file).starts_with(from) {
                continue;
            }
            for t in targets.iter().filter(|t| self.name(t).starts_with(to)) {
                out.push(format!("{} → {}", self.name(file), self.name(t)));
            }
        }
        out
    }
}

fn app() -> Graph {
    graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn server_code_never_imports_the_server_functions() {
    let found = app().crossings("server/", "api/");
    assert!(found.is_empty(), "server/ is the floor; these reach up into api/:\n{}", found.join("\n"));
}

#[test]
fn pages_and_components_never_import_server_code() {
    let g = app();
    let mut found = g.crossings("pages/", "server/");
    found.extend(g.crossings("components/", "server/"));
    assert!(found.is_empty(), "pages and components go through api/:\n{}", found.join("\n"));
}

#[test]
fn the_app_has_no_circle_of_imports() {
    let circles = app().circles();
    assert!(circles.is_empty(), "files that import each other, round:\n{circles:#?}");
}

#[test]
fn the_emulator_has_no_circle_of_imports() {
    let circles = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("emulator/src")).circles();
    assert!(circles.is_empty(), "files that import each other, round:\n{circles:#?}");
}

#[test]
fn the_check_sees_a_circle_and_a_crossing() {
    let dir = std::env::temp_dir().join(format!("orgdeck-layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("server")).unwrap();
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod api;\npub mod server;\n").unwrap();
    std::fs::write(dir.join("server/mod.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::write(dir.join("server/a.rs"), "use super::b::Thing;\n").unwrap();
    std::fs::write(dir.join("server/b.rs"), "use crate::server::{a::Other, self};\nfn f() { crate::api::x::call(); }\n").unwrap();
    std::fs::write(dir.join("api/mod.rs"), "pub mod x;\n").unwrap();
    std::fs::write(dir.join("api/x.rs"), "pub fn call() {}\n").unwrap();
    let g = graph(&dir);
    assert_eq!(g.circles(), vec![vec!["server/a.rs".to_string(), "server/b.rs".to_string()]]);
    assert_eq!(g.crossings("server/", "api/"), vec!["server/b.rs → api/x.rs".to_string()]);
    std::fs::remove_dir_all(&dir).unwrap();
}
