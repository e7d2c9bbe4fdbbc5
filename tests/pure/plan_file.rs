use remediate::plan::FORMAT_VERSION;
use remediate::plan::file::{self, PlanFileError};

use remediate::settings::FileSettings;

use crate::fixtures::*;

fn saved() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    let p = remediate::pipeline::make(&non_compliant(), &FileSettings::default(), &[]);
    file::write(&path, &p, "2026-11-29T00:00:00Z".into(), None).unwrap();
    (dir, path)
}

#[test]
fn a_saved_plan_reads_back_equal() {
    let (_d, path) = saved();
    let f = file::read(&path).unwrap();
    assert_eq!(
        f.plan,
        remediate::pipeline::make(&non_compliant(), &FileSettings::default(), &[])
    );
}

#[test]
fn an_edited_plan_is_refused_as_tampered() {
    let (_d, path) = saved();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("ct-west", "ct-evil", 1);
    std::fs::write(&path, text).unwrap();
    assert!(matches!(file::read(&path), Err(PlanFileError::Tampered(_))));
}

#[test]
fn a_truncated_plan_is_refused_as_corrupt() {
    let (_d, path) = saved();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let e = file::read(&path).unwrap_err();
    assert!(matches!(e, PlanFileError::Corrupt(..)), "{e}");
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn another_format_version_is_refused_by_number() {
    let (_d, path) = saved();
    let now = format!("\"format_version\": {FORMAT_VERSION}");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains(&now), "{saved}");
    // 1: the ops before an action's two directions were one op.
    for old in [1, 99] {
        let text = saved.replacen(&now, &format!("\"format_version\": {old}"), 1);
        std::fs::write(&path, text).unwrap();
        assert!(matches!(
            file::read(&path),
            Err(PlanFileError::Version(_, n)) if n == old
        ));
    }
}

#[test]
fn a_plan_for_another_account_is_refused() {
    let (_d, path) = saved();
    let f = file::read(&path).unwrap();
    let e = file::check_account("plan.json", &f.plan, "444455556666", "aws").unwrap_err();
    assert_eq!(
        e.to_string(),
        "plan.json was made for account 111122223333 (aws), the credentials are for account 444455556666 (aws)"
    );
}

#[test]
fn a_missing_file_is_a_one_line_error() {
    let e = file::read(std::path::Path::new("/nonexistent/plan.json")).unwrap_err();
    assert!(matches!(e, PlanFileError::Unreadable(..)));
}

mod fuzz {
    //! The plan-file reader never panics, and never accepts a file whose
    //! content was changed.
    use proptest::prelude::*;
    use remediate::plan::file;
    use remediate::settings::FileSettings;

    fn valid() -> String {
        let p = remediate::pipeline::make(
            &crate::fixtures::non_compliant(),
            &FileSettings::default(),
            &["2.3".into(), "2.8".into()],
        );
        file::to_text(&p, "2026-11-29T00:00:00Z".into(), None)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_text_is_refused_without_panic(s in ".{0,400}") {
            prop_assert!(file::parse("fuzz", &s).is_err());
        }

        #[test]
        fn a_changed_byte_is_refused_or_changes_nothing(pos in any::<prop::sample::Index>(), byte in 0x20u8..0x7f) {
            let text = valid();
            let mut bytes = text.clone().into_bytes();
            let i = pos.index(bytes.len());
            bytes[i] = byte;
            let edited = String::from_utf8_lossy(&bytes).to_string();
            match file::parse("fuzz", &edited) {
                Err(_) => {}
                // accepted only when the content is the same (e.g. whitespace)
                Ok(f) => prop_assert_eq!(f.plan, file::parse("orig", &text).unwrap().plan),
            }
        }

        #[test]
        fn a_truncated_file_is_refused(cut in 0usize..1000) {
            let text = valid();
            let cut = cut.min(text.len() - 2);
            prop_assert!(file::parse("fuzz", &text[..cut]).is_err());
        }
    }
}
