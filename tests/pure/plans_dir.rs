//! `plans/`: the JSON Schema of the plan file and an example plan of the
//! non-compliant account, both kept current by this test. Regenerate with
//! `REMEDIATE_UPDATE_PLANS=1 cargo test --test pure plans_dir`.

use remediate::plan::file;
use remediate::settings::FileSettings;
use serde_json::Value;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans")
}

fn check_current(name: &str, want: &str) {
    let path = dir().join(name);
    if std::env::var_os("REMEDIATE_UPDATE_PLANS").is_some() {
        std::fs::write(&path, want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "plans/{name} is out of date: run REMEDIATE_UPDATE_PLANS=1 cargo test --test pure plans_dir"
    );
}

pub fn validate(schema: &Value, doc: &Value) {
    let v = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "plan does not match plans/plan.schema.json: {errors:#?}"
    );
}

#[test]
fn schema_and_example_plan_are_current_and_the_example_validates() {
    let schema = file::schema();
    check_current(
        "plan.schema.json",
        &(serde_json::to_string_pretty(&schema).unwrap() + "\n"),
    );
    let p = remediate::pipeline::make(
        &crate::fixtures::non_compliant(),
        &FileSettings::default(),
        &[],
    );
    let text = file::to_text(&p, "2026-01-01T00:00:00Z".into(), None);
    check_current("example-non-compliant.plan.json", &text);
    validate(&schema, &serde_json::from_str(&text).unwrap());
    // and the saved example reads back as a valid, sealed plan
    file::parse("example", &text).unwrap();
}
