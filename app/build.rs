//! Turns `locales/vi.json` and `locales/en.json` into typed constants, so that a view can only name
//! a key that exists. A key missing from English falls back to Vietnamese here; the unit test
//! `every_key_exists_in_both_languages` is what refuses such a gap.

use std::{collections::BTreeMap, env, fs, path::Path};

fn load(path: &str) -> BTreeMap<String, String> {
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not a flat JSON object: {e}"))
}

fn const_name(key: &str) -> String {
    key.replace(['.', '-'], "_").to_uppercase()
}

fn main() {
    let vi = load("locales/vi.json");
    let en = load("locales/en.json");
    let mut out = String::from("pub mod k {\n    use super::Text;\n");
    let mut lookup = String::from(
        "/// The text behind a key sent by the server (field errors, notifications).\n\
         pub fn lookup(key: &str) -> Option<Text> {\n    match key {\n",
    );
    let keys: std::collections::BTreeSet<&String> = vi.keys().chain(en.keys()).collect();
    // In the browser, only the islands' code runs, and what it looks up by a key the server sent
    // is an error's message: the rest of the texts stay on the server, out of the WebAssembly.
    let in_browser = env::var_os("CARGO_FEATURE_SSR").is_none();
    for key in keys {
        let v = vi
            .get(key)
            .or_else(|| en.get(key))
            .expect("key from one of the maps");
        let e = en.get(key).unwrap_or(v);
        let name = const_name(key);
        out.push_str(&format!(
            "    pub const {name}: Text = Text([{v:?}, {e:?}]);\n"
        ));
        if !in_browser || key.starts_with("error.") || key.starts_with("field.") {
            lookup.push_str(&format!("        {key:?} => Some(k::{name}),\n"));
        }
    }
    out.push_str("}\n\n");
    lookup.push_str("        _ => None,\n    }\n}\n");
    out.push_str(&lookup);
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("i18n_keys.rs");
    fs::write(dest, out).expect("write i18n_keys.rs");
}
