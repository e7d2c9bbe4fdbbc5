//! Seed a running AWS emulator (moto) with CIS 2.1–2.9 drift, or with a
//! compliant account, for demos:
//!
//! ```text
//! cargo run --example seed -- --endpoint-url http://127.0.0.1:5000 \
//!     [--compliant] [--regions us-east-1,eu-west-1]
//! ```
//!
//! Uses the test fixtures (tests/common/fixtures.rs) with static credentials
//! testing/testing. Prints what it made on stdout.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Seed a local AWS emulator with CIS 2.1-2.9 drift (or a compliant account)")]
struct Args {
    /// The emulator, e.g. http://127.0.0.1:5000 (loopback only).
    #[arg(long)]
    endpoint_url: String,
    /// Seed a compliant account instead of one that fails every control.
    #[arg(long)]
    compliant: bool,
    /// Regions to seed, comma-separated; the first is the home region.
    #[arg(long, value_delimiter = ',', default_value = "us-east-1,eu-west-1")]
    regions: Vec<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let host = args
        .endpoint_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or_default();
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        anyhow::bail!(
            "--endpoint-url {} is not on the loopback interface; seed only a local emulator",
            args.endpoint_url
        );
    }
    let regions: Vec<&str> = args.regions.iter().map(String::as_str).collect();
    let cfg = fixtures::sdk_config(&args.endpoint_url).await;
    if args.compliant {
        let made = fixtures::compliant(&cfg, &regions).await?;
        println!(
            "seeded a compliant account {} (home {}):",
            made.account, made.home_region
        );
        println!(
            "  trail {} -> bucket {} (access logs to {}), key {}, log group {}",
            made.trail.name,
            made.trail.bucket,
            made.access_log_bucket,
            made.trail_key.arn,
            made.cloudtrail_log_group
        );
        for r in &made.regions {
            println!(
                "  {}: recorder {} + channel {} (global: {}), key {} rotating, flow logs {:?} on {:?}",
                r.region,
                r.recorder,
                r.delivery_channel,
                r.include_global,
                r.data_key.key_id,
                r.flow_log_ids,
                r.vpc_ids
            );
        }
    } else {
        let made = fixtures::non_compliant(&cfg, &regions).await?;
        println!("seeded drift in account {}:", made.account);
        for r in &made.regions {
            println!(
                "  {}: trail {} ({:?}) -> bucket {} ({:?}); recorder {:?}; key {} without rotation; VPCs {} and {} without flow logs",
                r.region,
                r.trail.name,
                r.not_logging,
                r.trail.bucket,
                r.exposure,
                r.recorder,
                r.key.key_id,
                r.default_vpc_id,
                r.extra_vpc_id
            );
        }
    }
    Ok(())
}
