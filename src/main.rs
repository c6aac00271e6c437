//! The `briefing` command line: a thin layer over the library.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use briefing::content::EntityKind;
use briefing::diagnostics::{plural, BuildFailed, Diagnostic, Severity};
use briefing::serve::{error_text, ServeOptions};
use briefing::terminal::{Progress, Terminal};
use briefing::BuildOptions;

/// Building allocates and frees many small strings across threads; glibc's
/// allocator spent a tenth of a 10k build consolidating free chunks.
/// mimalloc is built without transparent huge pages (`no_thp`): with them,
/// every 2 MiB region it touched became resident, 115 MiB more peak memory
/// at 10k for no gain in time (BENCHMARKS.md, issue 23).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// The reference date for what is current, upcoming or stale (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
    },
    /// Preview the site with live reload; rebuilds what an edit affects
    Serve {
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback is reachable by other machines
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Include briefings marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
        /// The reference date for what is current, upcoming or stale (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
    },
    /// Validate the site without writing anything, and list every finding
    Check {
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Exit 1 on warnings too
        #[arg(long)]
        strict: bool,
        /// Check drafts as well
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The reference date for what is current, upcoming or stale (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
        /// Override `base_url` from site.yaml, as for build
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Write a new briefing, briefing book or profile stub
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Create a new site folder with a sample briefing
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script, e.g. `briefing completions bash > ~/.local/share/bash-completion/completions/briefing`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `briefing man > ~/.local/share/man/man1/briefing.1`
    Man,
}

#[derive(Subcommand)]
enum NewCommand {
    /// content/articles/<year>/<date>-<slug>.md, as a draft dated on the
    /// reference date that `build` uses
    Article {
        title: String,
        #[arg(long = "country", value_name = "NAME")]
        countries: Vec<String>,
        #[arg(long = "leader", value_name = "NAME")]
        leaders: Vec<String>,
        #[arg(long = "crisis", value_name = "NAME")]
        crises: Vec<String>,
        /// The site folder
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The date to give it (default: the reference date, as `build`
        /// finds it: `today:` in site.yaml, SOURCE_DATE_EPOCH, today in UTC)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<chrono::NaiveDate>,
    },
    /// content/books/<slug>.md: a briefing book for a meeting or a trip,
    /// as a draft
    Book {
        title: String,
        /// The meeting's day, or the trip's first
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: chrono::NaiveDate,
        /// A trip's last day
        #[arg(long, value_name = "YYYY-MM-DD")]
        end: Option<chrono::NaiveDate>,
        #[arg(long)]
        place: Option<String>,
        /// The leader the book is for
        #[arg(long, value_name = "NAME")]
        principal: Option<String>,
        #[arg(long = "counterpart", value_name = "NAME")]
        counterparts: Vec<String>,
        #[arg(long = "country", value_name = "NAME")]
        countries: Vec<String>,
        #[arg(long = "crisis", value_name = "NAME")]
        crises: Vec<String>,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// content/countries/<slug>.md
    Country {
        name: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// content/leaders/<slug>.md
    Leader {
        name: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// content/crises/<slug>.md
    Crisis {
        name: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let term = Terminal::detect();
    let result = match cli.command {
        Command::Build {
            site_dir,
            output,
            base_url,
            drafts,
            strict,
            today,
        } => build(
            &term,
            site_dir,
            output,
            BuildOptions {
                drafts,
                strict,
                base_url,
                today,
            },
        ),
        Command::Serve {
            site_dir,
            port,
            bind,
            drafts,
            open,
            today,
        } => briefing::serve::serve(
            &ServeOptions {
                site_dir,
                bind,
                port,
                drafts,
                open,
                today,
            },
            &term,
        )
        .map(|_| ExitCode::SUCCESS),
        Command::Check {
            site_dir,
            strict,
            drafts,
            format,
            today,
            base_url,
        } => check(
            &term,
            site_dir,
            BuildOptions {
                drafts,
                strict,
                base_url,
                today,
            },
            format,
        ),
        Command::New { what } => new(what),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "briefing", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
            .render(&mut std::io::stdout())
            .map(|_| ExitCode::SUCCESS)
            .map_err(Into::into),
        Command::Init { dir } => briefing::scaffold::init(&dir, chrono::Local::now().date_naive())
            .map(|paths| {
                for p in paths {
                    println!("{}", p.display());
                }
                ExitCode::SUCCESS
            }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            term.error(&e);
            ExitCode::FAILURE
        }
    }
}

fn build(
    term: &Terminal,
    site_dir: PathBuf,
    output: Option<PathBuf>,
    options: BuildOptions,
) -> anyhow::Result<ExitCode> {
    let progress = Arc::new(Progress::default());
    let display = progress.spawn_display(*term);
    let result = briefing::build_with_progress(&site_dir, output.as_deref(), &options, &progress);
    progress.finish();
    if let Some(d) = display {
        let _ = d.join();
    }
    let report = result?;
    for w in &report.warnings {
        term.diagnostic(w);
    }
    let n = report.warnings.len();
    term.summary(&format!(
        "built {} pages ({} files) into {} in {:.2?}, {n} warning{}",
        report.pages,
        report.files,
        report.output_dir.display(),
        report.elapsed,
        plural(n)
    ));
    Ok(ExitCode::SUCCESS)
}

fn check(
    term: &Terminal,
    site_dir: PathBuf,
    options: BuildOptions,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let result = briefing::check::check(&site_dir, &options);
    let findings = match (result, format) {
        (Ok(findings), _) => findings,
        // A tool reading JSON gets one JSON document, whatever went wrong.
        (Err(e), Format::Json) => match e.downcast::<BuildFailed>() {
            Ok(failed) => failed.diagnostics,
            Err(e) => vec![Diagnostic::error(
                error_text(&e).trim_start_matches("error: "),
            )],
        },
        (Err(e), Format::Text) => return Err(e),
    };
    let count = |s: Severity| findings.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    match format {
        Format::Json => println!("{}", briefing::check::format_json(&findings)),
        Format::Text => {
            // The report goes to stdout: colour it only if that is a terminal.
            let color = term.color && std::io::IsTerminal::is_terminal(&std::io::stdout());
            print!("{}", briefing::check::format_text(&findings, color));
            let mut line = format!(
                "{errors} error{}, {warnings} warning{}",
                plural(errors),
                plural(warnings)
            );
            if notes > 0 {
                line.push_str(&format!(", {notes} note{}", plural(notes)));
            }
            if errors == 0 {
                term.summary(&format!("check passed: {line}"));
            } else {
                term.failure(&format!("check failed: {line}"));
            }
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn new(what: NewCommand) -> anyhow::Result<ExitCode> {
    let path = match what {
        NewCommand::Article {
            title,
            countries,
            leaders,
            crises,
            site,
            today,
        } => {
            // The same precedence as `build`, so a new briefing is never
            // dated after the reference date its site is built with.
            let options = BuildOptions {
                today,
                ..Default::default()
            };
            let date = briefing::Config::load(&site, &options)?.today;
            briefing::scaffold::new_article(&site, &title, date, &countries, &leaders, &crises)?
        }
        NewCommand::Book {
            title,
            date,
            end,
            place,
            principal,
            counterparts,
            countries,
            crises,
            site,
        } => {
            let stub = briefing::scaffold::BookStub {
                title: &title,
                date,
                end,
                place: place.as_deref(),
                principal: principal.as_deref(),
                counterparts: &counterparts,
                countries: &countries,
                crises: &crises,
            };
            briefing::scaffold::new_book(&site, &stub)?
        }
        NewCommand::Country { name, site } => {
            briefing::scaffold::new_profile(&site, EntityKind::Country, &name)?
        }
        NewCommand::Leader { name, site } => {
            briefing::scaffold::new_profile(&site, EntityKind::Leader, &name)?
        }
        NewCommand::Crisis { name, site } => {
            briefing::scaffold::new_profile(&site, EntityKind::Crisis, &name)?
        }
    };
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}
