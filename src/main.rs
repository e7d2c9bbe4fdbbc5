//! Thin binary: parse, set up logging, run, map the error to an exit code.

use clap::Parser;
use remediate::cli::{self, Cli};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(usage(&e)),
    };
    init_logging(cli.global.verbose);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = match rt.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // One line: what is wrong and, where we know, what to do.
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("error: {msg}");
            cli::EXIT_ERROR
        }
    };
    std::process::exit(code);
}

/// `--help` and `--version` print to stdout and exit 0. Anything else clap
/// refuses is a usage error: one line on stderr and exit 1 — never clap's
/// own exit 2, which `plan` uses for "drift found".
fn usage(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            cli::EXIT_OK
        }
        _ => {
            eprintln!("{}", cli::usage_line(e));
            cli::EXIT_ERROR
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        // Progress lines (e.g. waiting for IAM to propagate) show by default.
        0 => "warn,aws=error,remediate::progress=info",
        1 => "info,aws=warn",
        2 => "debug,aws_smithy_runtime=info,hyper=info",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        // Module paths only help when asking for more logs.
        .with_target(verbose > 0)
        .without_time()
        .init();
}
