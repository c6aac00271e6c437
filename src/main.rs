//! The `briefing` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use briefing::diagnostics::{plural, BuildFailed};
use briefing::BuildOptions;

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Build cross-linked briefing sites about countries, leaders and crises"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into an output folder (default: SITE_DIR/public)
    Build {
        /// The site folder, holding content/ and optionally site.yaml, templates/ and static/
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Where to write the site
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Override `base_url` from site.yaml, e.g. https://example.org/briefings/
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include briefings marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Treat every warning as an error
        #[arg(long)]
        strict: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site_dir,
            output,
            base_url,
            drafts,
            strict,
        } => {
            let options = BuildOptions {
                drafts,
                strict,
                base_url,
            };
            match briefing::build(&site_dir, output.as_deref(), &options) {
                Ok(report) => {
                    for w in &report.warnings {
                        eprintln!("{w}");
                    }
                    let n = report.warnings.len();
                    eprintln!(
                        "built {} pages ({} files) into {} in {:.2?}, {n} warning{}",
                        report.pages,
                        report.files,
                        report.output_dir.display(),
                        report.elapsed,
                        plural(n)
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    report_error(&e);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Print an error with its whole cause chain. Source diagnostics print as a
/// list, one finding each.
fn report_error(e: &anyhow::Error) {
    if let Some(failed) = e.downcast_ref::<BuildFailed>() {
        eprintln!("{failed}");
        return;
    }
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
