//! `simpul`: the command line. Run `simpul --help` for every command and option.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use simpul::config::{resolve_db, DbArgs, FileConfig, LogFormat, ServeArgs, Settings};
use simpul::server::{open_store, serve, shutdown_signal};
use simpul_core::audit::AuditContext;
use simpul_core::{Role, Scope};
use std::path::PathBuf;
use std::process::ExitCode;

/// Simpul: the integrated platform of government communication offices and Indonesia's
/// Komunitas Informasi Masyarakat (KIM).
#[derive(Parser)]
#[command(name = "simpul", version, about, long_about = None)]
struct Cli {
    /// Optional TOML configuration file (keys as the long options, e.g. listen = "0.0.0.0:8080")
    #[arg(long, global = true, env = "SIMPUL_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database and loads the official regions on first start)
    Serve(ServeArgs),
    /// Apply database migrations and exit
    Migrate(DbArgs),
    /// Load or refresh the official regions (idempotent); from the built-in copy or a directory
    ImportRegions {
        #[command(flatten)]
        db: DbArgs,
        /// Directory with provinces.csv, regencies.csv, districts.csv, villages.csv (or .csv.gz), in idn-area-data's format
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Import a KIM list (CSV or XLSX, see the template at /kim/import): checks every row and
    /// prints a report; with --commit writes all rows at once (or none)
    ImportKims {
        #[command(flatten)]
        db: DbArgs,
        /// The spreadsheet
        #[arg(value_name = "FILE")]
        path: PathBuf,
        /// Write the rows (default: dry run)
        #[arg(long)]
        commit: bool,
        /// Act as this administrator (their region limits the import)
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// Fill the database with a synthetic registry for load tests (deterministic for a seed)
    Generate {
        #[command(flatten)]
        db: DbArgs,
        /// province (East Java, 325 KIMs) or national (80,000 KIMs, ~600,000 members)
        #[arg(long, value_enum, default_value = "province")]
        scale: simpul::generate::Scale,
        /// Override the number of KIMs
        #[arg(long)]
        kims: Option<usize>,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Generate no KIMs: add only the activity asked for below to the KIMs already there
        #[arg(long)]
        no_kims: bool,
        /// Dissemination reports in East Java over a year, on generated packages (issue 13)
        #[arg(long, value_name = "N")]
        dissem_reports: Option<usize>,
        /// Packages those reports answer [default: one per 2,000 reports, at least 10]
        #[arg(long, value_name = "N")]
        dissem_packages: Option<usize>,
        /// Published portal posts over a year, from every KIM, with their search index (issue 15)
        #[arg(long, value_name = "N")]
        posts: Option<usize>,
        /// Days of activity for every KIM across capabilities, read by the performance index
        /// (issue 16; 365 is a year)
        #[arg(long, value_name = "DAYS")]
        activity_days: Option<i64>,
        /// The last day of generated activity (YYYY-MM-DD) [default: yesterday]
        #[arg(long, value_name = "DATE")]
        until: Option<chrono::NaiveDate>,
    },
    /// Write a consistent backup of the database and the installation secret (secret.key) to one
    /// file; safe while the server runs. PostgreSQL needs pg_dump of the server's version
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file, or a directory for the default name [default: ./simpul-backup-<UTC time>.tar.gz]
        #[arg(long, value_name = "FILE")]
        to: Option<PathBuf>,
        /// The installation secret, when the server is given one instead of DATA_DIR/secret.key
        #[arg(
            long,
            env = "SIMPUL_SECRET_KEY",
            value_name = "SECRET",
            hide_env_values = true
        )]
        secret_key: Option<String>,
        /// Directory of pg_dump/pg_restore [default: /usr/lib/postgresql/<server version>/bin, then PATH]
        #[arg(long, env = "SIMPUL_PG_BIN_DIR", value_name = "DIR")]
        pg_bin_dir: Option<PathBuf>,
    },
    /// Restore a backup into an empty database and data directory (the secret.key too), check it
    /// against the backup's manifest and print a summary. Stop Simpul first
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file written by `simpul backup`
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database that holds tables, and a different secret.key (kept beside it)
        #[arg(long)]
        force: bool,
        /// Directory of pg_dump/pg_restore [default: /usr/lib/postgresql/<server version>/bin, then PATH]
        #[arg(long, env = "SIMPUL_PG_BIN_DIR", value_name = "DIR")]
        pg_bin_dir: Option<PathBuf>,
    },
    /// Create an administrator account (the first national admin, for example)
    CreateAdmin {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        #[arg(long)]
        email: Option<String>,
        /// national_admin, provincial_admin or regency_admin
        #[arg(long, default_value = "national_admin")]
        role: String,
        /// Region code for provincial/regency admins (e.g. 35 or 35.14)
        #[arg(long)]
        region: Option<String>,
        /// The password; read from SIMPUL_ADMIN_PASSWORD so it stays out of shell history
        #[arg(long, env = "SIMPUL_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn progress_bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

async fn run(cli: Cli) -> Result<()> {
    let file = FileConfig::read(cli.config.as_deref())?;
    match cli.command {
        Command::Serve(args) => {
            let settings = Settings::resolve(&args, &file)?;
            init_logging(settings.log_format);
            serve(settings, shutdown_signal()).await
        }
        Command::Migrate(db) => {
            let (_, url) = resolve_db(&db, &file)?;
            open_store(&url).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::ImportRegions { db, from } => {
            let (_, url) = resolve_db(&db, &file)?;
            let store = open_store(&url).await?;
            let bar = progress_bar("Loading regions");
            let started = std::time::Instant::now();
            let total = simpul::regions_data::load(&store, from.as_deref(), |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .await?;
            bar.finish();
            println!(
                "{total} regions loaded in {:.2} s.",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::ImportKims {
            db,
            path,
            commit,
            as_user,
        } => {
            let (_, url) = resolve_db(&db, &file)?;
            let store = open_store(&url).await?;
            simpul::regions_data::ensure_loaded(&store, |_, _| {}).await?;
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let bar = progress_bar("Checking rows");
            let report = simpul::cli_import::run(
                &store,
                &as_user,
                &path.to_string_lossy(),
                &bytes,
                commit,
                |done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                },
            )
            .await?;
            bar.finish_and_clear();
            println!("{report}");
            Ok(())
        }
        Command::Generate {
            db,
            scale,
            kims,
            seed,
            no_kims,
            dissem_reports,
            dissem_packages,
            posts,
            activity_days,
            until,
        } => {
            let (_, url) = resolve_db(&db, &file)?;
            let store = open_store(&url).await?;
            simpul::regions_data::ensure_loaded(&store, |_, _| {}).await?;
            let extras = simpul::generate::Extras {
                dissem_reports,
                dissem_packages,
                posts,
                activity_days,
                until: until
                    .unwrap_or_else(|| chrono::Utc::now().date_naive() - chrono::Duration::days(1)),
            };
            if no_kims {
                return simpul::generate::generate_extras(&store, &extras, seed).await;
            }
            let bar = progress_bar("Generating KIMs");
            let started = std::time::Instant::now();
            let done = simpul::generate::generate(&store, scale, kims, seed, |n, total| {
                bar.set_length(total as u64);
                bar.set_position(n as u64);
            })
            .await?;
            bar.finish();
            println!(
                "{} KIMs and {} members generated in {:.1} s.",
                done.kims,
                done.members,
                started.elapsed().as_secs_f64()
            );
            simpul::generate::generate_extras(&store, &extras, seed).await
        }
        Command::Backup {
            db,
            to,
            secret_key,
            pg_bin_dir,
        } => {
            let (data_dir, database_url) = resolve_db(&db, &file)?;
            let report = simpul::backup::backup(simpul::backup::BackupOptions {
                database_url,
                data_dir,
                secret_key: secret_key.or_else(|| file.secret_key.clone()),
                to,
                pg_bin_dir,
            })
            .await?;
            println!("{report}");
            Ok(())
        }
        Command::Restore {
            db,
            from,
            force,
            pg_bin_dir,
        } => {
            let (data_dir, database_url) = resolve_db(&db, &file)?;
            let report = simpul::backup::restore(simpul::backup::RestoreOptions {
                from,
                database_url,
                data_dir,
                force,
                pg_bin_dir,
            })
            .await?;
            println!("{report}");
            Ok(())
        }
        Command::CreateAdmin {
            db,
            username,
            display_name,
            email,
            role,
            region,
            password,
        } => {
            let role = Role::parse(&role)
                .filter(|r| r.is_admin() && *r != Role::Coordinator)
                .context("--role must be national_admin, provincial_admin or regency_admin")?;
            let scope = match (role, region) {
                (Role::NationalAdmin, None) => Scope::National,
                (_, Some(code)) => Scope::Region(
                    simpul_core::RegionCode::parse(&code)
                        .map_err(|e| anyhow::anyhow!("--region {code:?}: {e}"))?,
                ),
                (_, None) => bail!("--region is required for {}", role.as_str()),
            };
            if !role.allows_scope(&scope) {
                bail!("{} cannot have that scope (a provincial admin needs a province code like 35, a regency admin one like 35.14)", role.as_str());
            }
            let username = simpul_core::Username::parse(&username)
                .map_err(|e| anyhow::anyhow!("--username: {e}"))?;
            let display_name = simpul_core::accounts::parse_display_name(&display_name)
                .map_err(|e| anyhow::anyhow!("--display-name: {e}"))?;
            let email = email
                .map(|e| {
                    simpul_core::accounts::parse_email(&e)
                        .map_err(|err| anyhow::anyhow!("--email: {err}"))
                })
                .transpose()?;
            simpul_core::accounts::check_new_password(&password)
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let (_, url) = resolve_db(&db, &file)?;
            let store = open_store(&url).await?;
            simpul::regions_data::ensure_loaded(&store, |_, _| {}).await?;
            let user = simpul_store::accounts::NewUser {
                username: username.to_string(),
                display_name,
                email,
                password_hash: simpul_core::secrets::hash_password(&password),
                locale: "id".into(),
            };
            match store
                .create_user(&AuditContext::system("cli"), &user, role, &scope)
                .await
            {
                Ok(id) => println!("Created {} (id {id}) as {}.", user.username, role.as_str()),
                Err(simpul_store::StoreError::Conflict(_)) => {
                    bail!("username {} is already taken", user.username)
                }
                Err(simpul_store::StoreError::NotFound) => {
                    bail!("region not found: no such region code")
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
