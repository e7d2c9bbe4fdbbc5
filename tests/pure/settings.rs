use remediate::settings::{FileSettings, FlowLogDestination};

#[test]
fn every_key_is_optional() {
    assert_eq!(FileSettings::parse("").unwrap(), FileSettings::default());
}

#[test]
fn keys_are_read() {
    let s = FileSettings::parse(
        "log_retention_days = 731\nskip_controls = [\"2.9\"]\n[flow_logs]\ndestination = \"s3\"\ntraffic_type = \"ALL\"\n[names]\ntrail = \"org-trail\"\n[[exemptions]]\ncontrol = \"2.8\"\nresource = \"k1\"\nreason = \"test key\"\n",
    )
    .unwrap();
    assert_eq!(s.log_retention_days, 731);
    assert_eq!(s.flow_logs.destination, FlowLogDestination::S3);
    assert_eq!(s.names.trail, "org-trail");
    assert_eq!(s.exemptions.len(), 1);
}

#[test]
fn an_unknown_key_is_an_error_naming_the_key_and_line() {
    let e = FileSettings::parse("log_retention_days = 365\nretention_day = 3\n").unwrap_err();
    assert!(e.contains("line 2"), "{e}");
    assert!(e.contains("retention_day"), "{e}");
}

#[test]
fn a_bad_value_is_an_error_naming_the_key_and_line() {
    let e = FileSettings::parse("\nlog_retention_days = 42\n").unwrap_err();
    assert!(e.starts_with("line 2: log_retention_days = 42"), "{e}");
    let e = FileSettings::parse("[flow_logs]\ntraffic_type = \"SOME\"\n").unwrap_err();
    assert!(e.contains("line 2") && e.contains("traffic_type"), "{e}");
    let e = remediate::controls::parse_settings("skip_controls = [\"3.1\"]\n").unwrap_err();
    assert!(e.contains("unknown control \"3.1\""), "{e}");
}

#[test]
fn malformed_toml_is_a_one_line_error() {
    let e = FileSettings::parse("log_retention_days = [\n").unwrap_err();
    assert!(!e.contains('\n'), "{e}");
    assert!(e.starts_with("line "), "{e}");
}

#[test]
fn retry_settings_are_read_and_checked() {
    let s = FileSettings::parse("[aws]\nretry_mode = \"adaptive\"\nmax_attempts = 8\n").unwrap();
    assert_eq!(s.aws.retry_mode, remediate::aws::RetryMode::Adaptive);
    assert_eq!(s.aws.max_attempts, 8);
    let e = FileSettings::parse("[aws]\nmax_attempts = 0\n").unwrap_err();
    assert!(e.starts_with("line 2: aws.max_attempts = 0"), "{e}");
    let e = FileSettings::parse("[aws]\nretry_mode = \"eager\"\n").unwrap_err();
    assert!(e.contains("line 2") && e.contains("eager"), "{e}");
}

#[test]
fn the_iam_propagation_budget_is_read_and_checked() {
    assert_eq!(FileSettings::default().aws.iam_propagation_seconds, 120);
    let s = FileSettings::parse("[aws]\niam_propagation_seconds = 300\n").unwrap();
    assert_eq!(s.aws.iam_propagation_seconds, 300);
    assert_eq!(
        FileSettings::parse("[aws]\niam_propagation_seconds = 0\n")
            .unwrap()
            .aws
            .iam_propagation_seconds,
        0,
        "0 = do not wait"
    );
    let e = FileSettings::parse("[aws]\niam_propagation_seconds = 3601\n").unwrap_err();
    assert!(
        e.starts_with("line 2: aws.iam_propagation_seconds = 3601 must be between 0 and 3600"),
        "{e}"
    );
    for bad in ["-1", "\"2m\"", "1.5"] {
        let e = FileSettings::parse(&format!(
            "[aws]\nmax_attempts = 3\niam_propagation_seconds = {bad}\n"
        ))
        .unwrap_err();
        assert!(
            e.starts_with("line 3: aws.iam_propagation_seconds: "),
            "{bad}: {e}"
        );
        assert!(!e.contains('\n'), "{e}");
    }
}
