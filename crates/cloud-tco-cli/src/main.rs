//! `cloud-tco`: price tables (평균단가), budget plans (중기재정계획) and provider comparisons
//! from the command line.
//!
//! Exit status: 0 on success, 2 for bad input (with a message on stderr naming the file, line
//! and field), 1 when an output cannot be written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc: a plan allocates many small strings and vectors, and glibc's allocator was a
/// third of a plan's time (benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use cloud_tco::pricing::ServerRequest;
use cloud_tco::report::{self, Lang, MoneyUnit};
use cloud_tco::{Catalog, Error, PriceBasis, Project, SaasCatalog};

#[derive(Parser)]
#[command(
    name = "cloud-tco",
    version,
    about = "Cloud cost estimation and 7-year TCO for public institutions (클라우드 이용료 산정)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The budget plan of a project: mid-term plan (중기재정계획) and usage-fee scale.
    Plan {
        /// Project file (TOML or JSON).
        project: PathBuf,
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        saas_catalog: SaasCatalogArgs,
        /// Price basis: average (평균단가), min, max, median or provider:NAME.
        #[arg(long)]
        basis: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
        format: PlanFormat,
        #[command(flatten)]
        display: DisplayArgs,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// The price table: each provider's unit prices and the combined price (평균단가).
    Prices {
        #[command(flatten)]
        catalog: CatalogArgs,
        /// Price basis: average (평균단가), min, max, median or provider:NAME.
        #[arg(long, default_value = "average")]
        basis: String,
        /// Server size VCPUxMEMORY_GB to price, e.g. 4x16 (repeatable; default 2x4 and 4x16).
        #[arg(long = "server")]
        servers: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
        #[command(flatten)]
        display: DisplayArgs,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Service-level evaluation (서비스수준 평가, SLA): each indicator's grade, the composite score
    /// and grade, and the month's fee after the penalty's reduction (감면).
    Sla {
        /// SLA file (TOML or JSON): the month's fee, [[indicators]], optional [grades] and
        /// [penalties].
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SlaFormat::Table)]
        format: SlaFormat,
        /// Labels in Korean (default) or English.
        #[arg(long, value_enum, default_value_t = LangArg::Ko)]
        lang: LangArg,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Reprices many projects into a summary CSV, on all cores: JSON Lines (one project per
    /// line) or an inventory (a systems CSV and a resources CSV).
    Batch {
        /// JSON Lines file: one project (SPEC §4, JSON form) per line.
        #[arg(long, required_unless_present = "systems", conflicts_with_all = ["systems", "resources"])]
        projects: Option<PathBuf>,
        /// Inventory: one row per system with the project-level fields.
        #[arg(long, requires = "resources")]
        systems: Option<PathBuf>,
        /// Inventory: one row per resource line with a `system` column.
        #[arg(long, requires = "systems")]
        resources: Option<PathBuf>,
        #[command(flatten)]
        catalog: CatalogArgs,
        /// Price basis: average (평균단가), min, max, median or provider:NAME.
        #[arg(long)]
        basis: Option<String>,
        /// Write the summary CSV to this file (atomically) instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// The project under each provider alone and under the average, side by side.
    Compare {
        /// Project file (TOML or JSON).
        project: PathBuf,
        #[command(flatten)]
        catalog: CatalogArgs,
        #[command(flatten)]
        saas_catalog: SaasCatalogArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
        #[command(flatten)]
        display: DisplayArgs,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Total cost of ownership against staying on premises (레거시 기준 비용 비교): yearly
    /// costs, savings, break-even year, NPV, and the energy and trees saved.
    Tco {
        /// Project file (TOML or JSON) with an [on_premises] section.
        project: PathBuf,
        #[command(flatten)]
        catalog: CatalogArgs,
        /// Price basis: average (평균단가), min, max, median or provider:NAME.
        #[arg(long)]
        basis: Option<String>,
        /// Discount rate of the NPV, percent (default 4.5, the social discount rate of
        /// preliminary feasibility studies).
        #[arg(
            long = "discount-rate",
            default_value = "4.5",
            allow_hyphen_values = true
        )]
        discount_rate: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
        format: PlanFormat,
        #[command(flatten)]
        display: DisplayArgs,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct CatalogArgs {
    /// Price catalog CSV (repeatable; merged). Without it, the embedded default catalog is used.
    #[arg(long = "catalog")]
    catalogs: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct SaasCatalogArgs {
    /// SaaS catalog CSV for the project's [[saas]] entries (repeatable; merged). Without it, the
    /// embedded catalog of the guide's §4.5.2 table (data/catalogs/saas.csv) is used.
    #[arg(long = "saas-catalog")]
    saas_catalogs: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct DisplayArgs {
    /// Labels in Korean (default) or English.
    #[arg(long, value_enum, default_value_t = LangArg::Ko)]
    lang: LangArg,
    /// Display unit of tables: won, thousand (천원) or million (백만원). Never changes a total.
    #[arg(long, value_enum, default_value_t = UnitArg::Won)]
    unit: UnitArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlanFormat {
    Table,
    Json,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
enum SlaFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Ko,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum UnitArg {
    Won,
    Thousand,
    Million,
}

impl DisplayArgs {
    fn lang(&self) -> Lang {
        match self.lang {
            LangArg::Ko => Lang::Ko,
            LangArg::En => Lang::En,
        }
    }
    fn unit(&self) -> MoneyUnit {
        match self.unit {
            UnitArg::Won => MoneyUnit::Won,
            UnitArg::Thousand => MoneyUnit::Thousand,
            UnitArg::Million => MoneyUnit::Million,
        }
    }
}

/// A failure: bad input (exit 2) or an output problem (exit 1).
enum Failure {
    Input(String),
    Output(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Report(m) => Failure::Output(m),
            other => Failure::Input(other.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Output(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

fn load_catalog(args: &CatalogArgs) -> Result<Catalog, Failure> {
    if args.catalogs.is_empty() {
        Ok(Catalog::embedded())
    } else {
        Catalog::from_paths(&args.catalogs).map_err(|e| Failure::Input(e.to_string()))
    }
}

fn load_saas_catalog(args: &SaasCatalogArgs) -> Result<SaasCatalog, Failure> {
    if args.saas_catalogs.is_empty() {
        Ok(SaasCatalog::embedded().clone())
    } else {
        SaasCatalog::from_paths(&args.saas_catalogs).map_err(|e| Failure::Input(e.to_string()))
    }
}

fn parse_basis(text: &str) -> Result<PriceBasis, Failure> {
    text.parse()
        .map_err(|e: cloud_tco::PricingError| Failure::Input(e.to_string()))
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Plan {
            project,
            catalog,
            saas_catalog,
            basis,
            format,
            display,
            output,
        } => {
            let project =
                Project::from_path(&project).map_err(|e| Failure::Input(e.to_string()))?;
            let catalog = load_catalog(&catalog)?;
            let saas = load_saas_catalog(&saas_catalog)?;
            let basis = basis.as_deref().map(parse_basis).transpose()?;
            let plan = cloud_tco::plan_with(&project, &catalog, &saas, basis.as_ref())?;
            let bytes = match format {
                PlanFormat::Table => {
                    report::table::plan_table(&plan, display.lang(), display.unit()).into_bytes()
                }
                PlanFormat::Json => json_bytes(&report::json::plan_json(&plan)),
                PlanFormat::Csv => report::csv::plan_csv(&plan)?.into_bytes(),
                PlanFormat::Xlsx => {
                    if output.is_none() {
                        return Err(Failure::Input(
                            "--format xlsx writes a workbook: give the file with -o FILE.xlsx"
                                .into(),
                        ));
                    }
                    report::xlsx::plan_xlsx(&plan)?
                }
            };
            emit(output.as_deref(), &bytes)
        }
        Command::Prices {
            catalog,
            basis,
            servers,
            format,
            display,
            output,
        } => {
            let catalog = load_catalog(&catalog)?;
            let basis = parse_basis(&basis)?;
            let requests = servers
                .iter()
                .map(|s| s.parse::<ServerRequest>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(Failure::Input)?;
            let requested = (!requests.is_empty()).then_some(requests.as_slice());
            let table = cloud_tco::price_table(&catalog, &basis, requested)?;
            let bytes = match format {
                TableFormat::Table => {
                    report::table::prices_table(&table, display.lang()).into_bytes()
                }
                TableFormat::Json => json_bytes(&report::json::prices_json(&table)),
                TableFormat::Csv => report::csv::prices_csv(&table)?.into_bytes(),
            };
            emit(output.as_deref(), &bytes)
        }
        Command::Sla {
            file,
            format,
            lang,
            output,
        } => {
            let input = cloud_tco::sla::SlaInput::from_path(&file)
                .map_err(|e| Failure::Input(e.to_string()))?;
            let result = cloud_tco::sla::evaluate(&input)?;
            let lang = match lang {
                LangArg::Ko => Lang::Ko,
                LangArg::En => Lang::En,
            };
            let bytes = match format {
                SlaFormat::Table => report::sla::sla_table(&result, lang).into_bytes(),
                SlaFormat::Json => json_bytes(&report::sla::sla_json(&result)),
            };
            emit(output.as_deref(), &bytes)
        }
        Command::Batch {
            projects,
            systems,
            resources,
            catalog,
            basis,
            output,
        } => {
            let catalog = load_catalog(&catalog)?;
            let basis = basis.as_deref().map(parse_basis).transpose()?;
            let mut summary = Vec::new();
            let stats = match (projects, systems, resources) {
                (Some(projects), _, _) => {
                    let name = projects.display().to_string();
                    let input = open_input(&projects)?;
                    cloud_tco::batch::run_jsonl(
                        input,
                        Some(&name),
                        &catalog,
                        basis.as_ref(),
                        &mut summary,
                    )?
                }
                (None, Some(systems), Some(resources)) => {
                    let inventory = cloud_tco::inventory::read_inventory(
                        open_input(&systems)?,
                        &systems.display().to_string(),
                        open_input(&resources)?,
                        &resources.display().to_string(),
                    )
                    .map_err(|e| Failure::Input(e.to_string()))?;
                    cloud_tco::batch::run_inventory(
                        inventory,
                        &catalog,
                        basis.as_ref(),
                        &mut summary,
                    )?
                }
                _ => {
                    return Err(Failure::Input(
                        "give --projects FILE.jsonl, or --systems and --resources".into(),
                    ))
                }
            };
            emit(output.as_deref(), &summary)?;
            if stats.failed > 0 {
                return Err(Failure::Input(format!(
                    "{} of {} projects could not be planned; their rows say why in the error column",
                    stats.failed, stats.projects
                )));
            }
            Ok(())
        }
        Command::Compare {
            project,
            catalog,
            saas_catalog,
            format,
            display,
            output,
        } => {
            let project =
                Project::from_path(&project).map_err(|e| Failure::Input(e.to_string()))?;
            let catalog = load_catalog(&catalog)?;
            let saas = load_saas_catalog(&saas_catalog)?;
            let comparison = cloud_tco::compare::compare_with(&project, &catalog, &saas)?;
            let bytes = match format {
                TableFormat::Table => {
                    report::table::compare_table(&comparison, display.lang(), display.unit())
                        .into_bytes()
                }
                TableFormat::Json => json_bytes(&report::json::compare_json(&comparison)),
                TableFormat::Csv => report::csv::compare_csv(&comparison)?.into_bytes(),
            };
            emit(output.as_deref(), &bytes)
        }
        Command::Tco {
            project,
            catalog,
            basis,
            discount_rate,
            format,
            display,
            output,
        } => {
            let rate = cloud_tco::money::parse_decimal(&discount_rate)
                .map_err(|e| Failure::Input(format!("--discount-rate {discount_rate:?}: {e}")))?;
            cloud_tco::tco::check_discount_rate(rate).map_err(|_| {
                Failure::Input(format!(
                    "--discount-rate {discount_rate}: out of range; a percent greater than -100 and at most 100 (default 4.5)"
                ))
            })?;
            let file = project.display().to_string();
            let project =
                Project::from_path(&project).map_err(|e| Failure::Input(e.to_string()))?;
            if project.on_premises.is_none() {
                return Err(Failure::Input(format!(
                    "{file}: the project has no [on_premises] section; the TCO comparison needs the cost of staying on premises (see the README, \"7-year TCO against staying on premises\")"
                )));
            }
            let catalog = load_catalog(&catalog)?;
            let basis = basis.as_deref().map(parse_basis).transpose()?;
            let tco = cloud_tco::tco(&project, &catalog, basis.as_ref(), rate)?;
            let bytes = match format {
                PlanFormat::Table => {
                    report::tco::tco_table(&tco, display.lang(), display.unit()).into_bytes()
                }
                PlanFormat::Json => json_bytes(&report::tco::tco_json(&tco)),
                PlanFormat::Csv => report::tco::tco_csv(&tco)?.into_bytes(),
                PlanFormat::Xlsx => {
                    if output.is_none() {
                        return Err(Failure::Input(
                            "--format xlsx writes a workbook: give the file with -o FILE.xlsx"
                                .into(),
                        ));
                    }
                    report::tco::tco_xlsx(&tco)?
                }
            };
            emit(output.as_deref(), &bytes)
        }
    }
}

fn open_input(path: &Path) -> Result<std::fs::File, Failure> {
    let name = path.display();
    match std::fs::metadata(path) {
        Err(_) => Err(Failure::Input(format!(
            "{name}: the projects file does not exist"
        ))),
        Ok(m) if m.is_dir() => Err(Failure::Input(format!(
            "{name}: this is a directory, not a file"
        ))),
        Ok(_) => std::fs::File::open(path)
            .map_err(|e| Failure::Input(format!("{name}: cannot open: {e}"))),
    }
}

fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// Writes to stdout, or atomically to `path`: a temporary file beside it, then a rename, so a
/// failed run never leaves a truncated or clobbered report.
fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .or_else(|e| {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        Ok(())
                    } else {
                        Err(e)
                    }
                })
                .map_err(|e| Failure::Output(format!("cannot write to standard output: {e}")))
        }
        Some(path) => write_atomically(path, bytes).map_err(|e| {
            Failure::Output(format!("{}: cannot write the report: {e}", path.display()))
        }),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".cloud-tco-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
