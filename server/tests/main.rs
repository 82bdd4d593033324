//! The integration tests, one binary for all (one link instead of one per file): each file is a
//! part of the site tried through the real HTTP stack, on SQLite and PostgreSQL. A test that
//! measures the whole process (memory) lives in its own binary, `memory.rs`, alone.

#[macro_use]
mod common;

mod accounts;
mod assisted_reports;
mod bench_seed;
mod calendar;
mod challenges;
mod class_pages;
mod commitments;
mod drills;
mod entries;
mod every_door;
mod hostile_input;
mod judging;
mod mail;
mod migrating;
mod open_data;
mod phone_accounts;
mod pilots;
mod privacy;
mod report_routing;
mod reports;
mod roles;
mod safety;
mod site;
mod sms;
mod storage;
mod teams;
mod votes;
mod whole;

/// A file in `tests/` that no `mod` line names would never run: each is named above.
#[test]
fn every_test_file_is_part_of_the_suite() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let named = include_str!("main.rs");
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && !["main", "memory"].contains(&stem) {
            assert!(
                named.contains(&format!("\nmod {stem};\n")),
                "tests/{stem}.rs is not named in tests/main.rs: add `mod {stem};`"
            );
        }
    }
}
