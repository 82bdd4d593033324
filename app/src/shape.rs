//! The shape of the house, read from its own source: which file may use which. No two folders
//! use each other, directly or around a circle; a domain folder (any file that is not an edge)
//! uses only the floors at or below its own, and never the request's context. A change that
//! breaks this fails here, the way the locale files are guarded by the build.
//!
//! The edges are what a request or a page meets first, each a folder of its own above the
//! domain folders: the server functions (`api/`), the read-models (`query/`: what a page shows,
//! which may read any folder and which no service reads), the pages (`pages/`) and their frame
//! (`layout/`), the open data (`open/`) and feeds, the demo data, the runtime and the request's
//! context (`ctx.rs`), the router.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The floors of the domain, from the ground up; a file stands on the floor of the longest
/// prefix naming it. A domain file may use its own floor and those below.
const FLOORS: &[&[&str]] = &[
    // What everything may use: errors, languages, SQL, the site's links and keys, random
    // tokens, the writer that batches small writes.
    &[
        "error",
        "i18n",
        "sql",
        "csv",
        "markdown",
        "links",
        "token",
        "site_key",
        "group_commit",
        "measure",
    ],
    &["mail"],
    // Who is asking: the people, their sessions, passwords, second steps and counters of tries.
    &["auth"],
    // Text messages: phone numbers, their outbox and the codes that prove them.
    &["sms"],
    &["audit"],
    // The working-day calendar: the law's holidays, and each year's decisions entered on the
    // record.
    &["calendar"],
    &["notify"],
    &["account"],
    &["invitation"],
    &["participation"],
    &["org"],
    // Volunteers registered to file reports for people who cannot (a Youth Union branch).
    &["helper"],
    &["upload"],
    &["report"],
    &["challenge"],
    &["team"],
    &["entry"],
    &["vote"],
    &["judging"],
    &["pilot"],
    // Leaders' public commitments, which answer reports, challenges and pilots.
    &["commitment"],
    // Commands and passes that span every folder: deleting an account, the background passes.
    &["privacy", "jobs"],
];

/// The edges: whole folders (and the files at the top) above every floor of the domain.
fn is_edge(file: &str) -> bool {
    matches!(file, "lib.rs" | "routes.rs" | "ctx.rs" | "feed.rs")
        || ["api/", "query/", "pages/", "layout/", "open/", "demo/"]
            .iter()
            .any(|folder| file.starts_with(folder))
}

/// The folder (or the file at the top) a file belongs to: `entry/files.rs` is `entry`,
/// `pages/challenge/edit.rs` is `pages`, `ctx.rs` is `ctx`.
fn folder_of(file: &str) -> String {
    let top = file.split('/').next().unwrap_or(file);
    top.trim_end_matches(".rs").to_owned()
}

fn floor_of(file: &str) -> usize {
    let stem = file.trim_end_matches(".rs");
    let mut best: Option<(usize, usize)> = None;
    for (floor, rooms) in FLOORS.iter().enumerate() {
        for room in *rooms {
            let names = stem == *room || stem.starts_with(&format!("{room}/"));
            if names && best.is_none_or(|(len, _)| room.len() > len) {
                best = Some((room.len(), floor));
            }
        }
    }
    best.map_or_else(
        || panic!("{file} stands on no floor: add it to FLOORS"),
        |(_, f)| f,
    )
}

/// Every `.rs` file under `dir`, by its path from `src/`, with its text.
fn sources(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            // This test is no room of the house.
            if rel != "shape.rs" {
                out.insert(rel, std::fs::read_to_string(&path).expect("source"));
            }
        }
    }
}

/// The code of a file without its comments, the text of its strings and characters (blanked,
/// so that a `"crate::x"` or a `"https://…"` in one is neither a path nor a comment), and its
/// test module (`#[cfg(test)] mod tests { … }`, to its closing brace).
fn code_of(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize, word: &str| chars[i..].iter().take(word.len()).copied().eq(word.chars());
    while i < chars.len() {
        let c = chars[i];
        if at(i, "//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            // Block comments nest.
            let mut depth = 0;
            while i < chars.len() {
                if at(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (at(i, "r\"") || at(i, "r#")) && (i == 0 || !is_ident(chars[i - 1])) {
            // A raw string: r"…", r#"…"#, as many hashes as it opens with.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            j += 1;
            while j < chars.len() && !at(j, &close) {
                j += 1;
            }
            i = j + close.len();
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character ('x', '\n', '\u{..}'), or a lifetime ('a), which stays.
            let end = if chars.get(i + 1) == Some(&'\\') {
                (i + 2..chars.len()).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match end {
                Some(end) => {
                    out.push_str("' '");
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    without_tests(&out)
}

/// The code without its test module, found by its braces (comments and strings are gone).
fn without_tests(code: &str) -> String {
    let Some(start) = code.find("#[cfg(test)]\nmod tests {") else {
        return code.to_owned();
    };
    let open = start + code[start..].find('{').expect("the module opens");
    let mut depth = 0;
    for (offset, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    let end = open + offset + 1;
                    return format!("{}{}", &code[..start], without_tests(&code[end..]));
                }
            }
            _ => {}
        }
    }
    code[..start].to_owned()
}

/// The module path of a file (`entry/files.rs` is `entry::files`, `pages/judging/mod.rs` is
/// `pages::judging`).
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The file a path names: the longest prefix of it that is a file; a path that names none is an
/// item of the crate's root (`crate::App`, or a `pub use` there), so it is `lib.rs`.
fn file_of(files: &BTreeMap<String, String>, path: &[String]) -> String {
    (1..=path.len())
        .rev()
        .find_map(|n| {
            let joined = path[..n].join("/");
            [format!("{joined}.rs"), format!("{joined}/mod.rs")]
                .into_iter()
                .find(|f| files.contains_key(f))
        })
        .unwrap_or_else(|| "lib.rs".to_owned())
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths (`crate::…`, `super::…`) a file's code uses, each as module segments from the
/// crate's root; a group (`use crate::a::{b, c::d}`) gives one path per member.
fn paths_used(file: &str, code: &str) -> Vec<Vec<String>> {
    let here = module_of(file);
    let chars: Vec<char> = code.chars().collect();
    let ident_at = |i: usize| -> String {
        chars[i.min(chars.len())..]
            .iter()
            .take_while(|c| is_ident(**c))
            .collect()
    };
    let starts =
        |i: usize, word: &str| chars[i..].iter().take(word.len()).copied().eq(word.chars());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let free = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        let root = if !free {
            None
        } else if starts(i, "crate::") {
            i += "crate::".len();
            Some(Vec::new())
        } else if starts(i, "super::") {
            // Each `super::` climbs one module: `super::super::x` from `a/b/c.rs` is `a::x`.
            let mut up = here.clone();
            while starts(i, "super::") {
                up.pop();
                i += "super::".len();
            }
            Some(up)
        } else {
            None
        };
        let Some(mut path) = root else {
            i += 1;
            continue;
        };
        loop {
            let name = ident_at(i);
            if name.is_empty() {
                if chars.get(i) == Some(&'{') {
                    // A group: the first name of each member at its top level.
                    let mut depth = 0;
                    let mut member_start = true;
                    i += 1;
                    while i < chars.len() {
                        match chars[i] {
                            '{' => depth += 1,
                            '}' if depth == 0 => break,
                            '}' => depth -= 1,
                            ',' if depth == 0 => member_start = true,
                            c if member_start && is_ident(c) => {
                                let first = ident_at(i);
                                if first != "self" {
                                    let mut member = path.clone();
                                    member.push(first.clone());
                                    out.push(member);
                                }
                                i += first.len();
                                member_start = false;
                                continue;
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                }
                break;
            }
            i += name.len();
            path.push(name);
            if starts(i, "::") {
                i += 2;
            } else {
                out.push(path);
                break;
            }
        }
    }
    out
}

/// Which file uses which, from the sources under `app/src`.
fn uses() -> (BTreeMap<String, String>, BTreeMap<String, BTreeSet<String>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    sources(&root, &root, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &files {
        let code = code_of(text);
        for path in paths_used(file, &code) {
            let used = file_of(&files, &path);
            if used != *file {
                uses.entry(file.clone()).or_default().insert(used);
            }
        }
    }
    (files, uses)
}

/// The circles of `uses`: groups of files that use each other, each of more than one file.
fn circles(uses: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's strongly connected components.
    struct Walk<'a> {
        uses: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        w.on_stack.insert(v);
        if let Some(next) = w.uses.get(v) {
            for u in next {
                let u = u.as_str();
                if !w.index.contains_key(u) {
                    visit(w, u);
                    let low = w.low[v].min(w.low[u]);
                    w.low.insert(v, low);
                } else if w.on_stack.contains(u) {
                    let low = w.low[v].min(w.index[u]);
                    w.low.insert(v, low);
                }
            }
        }
        if w.low[v] == w.index[v] {
            let mut group = Vec::new();
            while let Some(u) = w.stack.pop() {
                w.on_stack.remove(u);
                group.push(u.to_owned());
                if u == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                w.found.push(group);
            }
        }
    }
    let mut w = Walk {
        uses,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in uses.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found
}

#[test]
fn no_files_use_each_other_around_a_circle() {
    let (_, uses) = uses();
    let found = circles(&uses);
    assert!(found.is_empty(), "files that use each other: {found:?}");
}

#[test]
fn no_folders_use_each_other_around_a_circle() {
    let (_, uses) = uses();
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, used) in &uses {
        for other in used {
            let (from, to) = (folder_of(file), folder_of(other));
            if from != to {
                folders.entry(from).or_default().insert(to);
            }
        }
    }
    let found = circles(&folders);
    let why: Vec<String> = found
        .iter()
        .flat_map(|circle| {
            let uses = &uses;
            circle.iter().flat_map(move |folder| {
                uses.iter()
                    .filter(move |(file, _)| folder_of(file) == *folder)
                    .flat_map(move |(file, used)| {
                        used.iter()
                            .filter(|other| {
                                let to = folder_of(other);
                                to != *folder && circle.contains(&to)
                            })
                            .map(move |other| format!("{file} -> {other}"))
                    })
            })
        })
        .collect();
    assert!(
        found.is_empty(),
        "folders that use each other: {found:?}\n{}",
        why.join("\n")
    );
}

#[test]
fn the_domain_uses_only_the_floors_below_and_never_the_edges() {
    let (files, uses) = uses();
    let mut broken = Vec::new();
    for (file, used) in &uses {
        if is_edge(file) {
            continue;
        }
        for other in used {
            let why = if other == "ctx.rs" {
                "reads the request's context"
            } else if is_edge(other) {
                "uses an edge"
            } else if floor_of(other) > floor_of(file) {
                "uses a floor above its own"
            } else {
                continue;
            };
            broken.push(format!("{file} -> {other}: {why}"));
        }
    }
    assert!(
        broken.is_empty(),
        "uses against the order:\n{}",
        broken.join("\n")
    );
    // Every file stands on a floor.
    for file in files.keys().filter(|f| !is_edge(f)) {
        floor_of(file);
    }
}

#[test]
fn only_server_functions_and_the_app_shell_read_the_runtime() {
    let (_, uses) = uses();
    let readers: Vec<&String> = uses
        .iter()
        .filter(|(_, used)| used.contains("ctx.rs"))
        .map(|(file, _)| file)
        .filter(|file| !(file.starts_with("api/") || *file == "lib.rs" || *file == "routes.rs"))
        .collect();
    assert!(
        readers.is_empty(),
        "the runtime and the request's context are read only by api/ and the app's shell: {readers:?}"
    );
}

#[test]
fn the_reader_of_paths_finds_groups_and_parents() {
    let code = "use crate::a::{b, c::d};\nlet x = super::e::f(crate::g::h);";
    let got = paths_used("x/y.rs", code);
    let want: Vec<Vec<String>> = [
        vec!["g", "h"],
        vec!["a", "b"],
        vec!["a", "c"],
        vec!["x", "e", "f"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    for path in &want {
        assert!(got.contains(path), "{path:?} not in {got:?}");
    }
}

#[test]
fn the_reader_climbs_every_super() {
    let got = paths_used("a/b/c.rs", "use super::super::z::w;");
    assert_eq!(got, vec![vec!["a".to_string(), "z".into(), "w".into()]]);
    let got = paths_used("a/b/mod.rs", "use super::super::z;");
    assert_eq!(got, vec![vec!["z".to_string()]]);
}

#[test]
fn strings_comments_and_tests_hide_no_path_and_make_none() {
    let text = r##"
let site = "https://example.org"; use crate::kept::one;
let fake = "crate::not_a_path"; let raw = r#"crate::nor_this "quoted""#;
let c = '"'; let lifetime: &'static str = crate::kept::two;
/* crate::hidden /* nested */ crate::still_hidden */ use crate::kept::three;
#[cfg(test)]
mod tests { use crate::only_in_tests; fn f() { if true { } } }
use crate::kept::four;
"##;
    let got: Vec<String> = paths_used("x.rs", &code_of(text))
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        got,
        ["kept::one", "kept::two", "kept::three", "kept::four"],
        "{}",
        code_of(text)
    );
}

#[test]
fn a_path_to_no_file_is_the_crate_root() {
    let files: BTreeMap<String, String> = [("lib.rs", ""), ("a/mod.rs", ""), ("a/b.rs", "")]
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(file_of(&files, &path(&["a", "b", "C"])), "a/b.rs");
    assert_eq!(file_of(&files, &path(&["a", "x"])), "a/mod.rs");
    assert_eq!(file_of(&files, &path(&["App"])), "lib.rs");
}

#[test]
fn a_circle_is_found_however_long() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
            .iter()
            .fold(BTreeMap::new(), |mut g, (from, to)| {
                g.entry(from.to_string())
                    .or_insert_with(BTreeSet::new)
                    .insert(to.to_string());
                g
            });
    assert_eq!(circles(&graph), vec![vec!["a", "b", "c"]]);
}
