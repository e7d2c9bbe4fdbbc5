//! Pure tests: detection, planning, rendering, policy merging, plan files and
//! settings over hand-built snapshots. No emulator, no network.

mod architecture;
mod benchmarks;
mod cost;
mod detect;
mod fidelity;
mod fixtures;
mod integrity;
mod ocsf;
mod organization;
mod permissions;
mod plan;
mod plan_file;
pub mod plans_dir;
mod policy_props;
mod registry;
mod results;
mod settings;
mod web;

/// docs/controls.md carries each control file's header verbatim.
#[test]
fn docs_match_the_control_headers() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/controls.md")).unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/controls");
    let mut seen = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if ["mod.rs", "shared.rs", "registry.rs"].contains(&name.as_str()) {
            continue;
        }
        let src = std::fs::read_to_string(&p).unwrap();
        let header: Vec<String> = src
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.trim_start_matches("//!")
                    .strip_prefix(' ')
                    .unwrap_or(l.trim_start_matches("//!"))
                    .to_string()
            })
            .collect();
        assert!(
            docs.contains(&format!("## {}", header[0])),
            "{} title not in docs",
            p.display()
        );
        assert!(
            docs.contains(&header[2..].join("\n")),
            "{} header differs from docs/controls.md: regenerate it",
            p.display()
        );
        seen += 1;
    }
    assert!(seen > 0);
}

/// README.md and docs/controls.md carry the control × benchmark table as
/// the registry makes it (`REMEDIATE_UPDATE_DOCS=1` rewrites both).
#[test]
fn docs_show_every_benchmark_control() {
    let table = remediate::controls::benchmark_table();
    for doc in ["README.md", "docs/controls.md"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
        let text = std::fs::read_to_string(&path).unwrap();
        let (start, end) = ("<!-- benchmarks:start -->\n", "<!-- benchmarks:end -->");
        let a = text
            .find(start)
            .unwrap_or_else(|| panic!("{doc} has no {start}"))
            + start.len();
        let b = text.find(end).unwrap();
        if std::env::var_os("REMEDIATE_UPDATE_DOCS").is_some() {
            std::fs::write(&path, format!("{}{table}{}", &text[..a], &text[b..])).unwrap();
            continue;
        }
        assert_eq!(
            &text[a..b],
            table,
            "{doc}: the benchmark table differs: REMEDIATE_UPDATE_DOCS=1"
        );
    }
}
