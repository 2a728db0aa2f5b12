//! Configuration, layered: built-in defaults < TOML file (`--config`) < `SIMPUL_*` environment
//! < command-line flags. clap resolves flag-over-environment; the file fills what both left
//! unset. Secrets (database and SMTP passwords) are never printed.

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where the data lives; shared by every command that touches the database.
#[derive(Debug, Clone, Args, Default)]
pub struct DbArgs {
    /// Directory for the embedded database and uploaded files [default: ./simpul-data]
    #[arg(long, env = "SIMPUL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB [default: SQLite file in the data dir]
    #[arg(
        long,
        env = "SIMPUL_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

/// Options of `simpul serve`.
#[derive(Debug, Clone, Args, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free port
    #[arg(long, env = "SIMPUL_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Seed the East Java demo (regions, Bakorwil groups, one account per role) and print the accounts
    #[arg(long, env = "SIMPUL_DEMO")]
    pub demo: bool,
    /// Public URL of this site, used in e-mailed links [default: http://<listen>]
    #[arg(long, env = "SIMPUL_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// SMTP server for outgoing mail, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host; without it mail stays in the admins' outbox
    #[arg(
        long,
        env = "SIMPUL_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender address of outgoing mail [default: Simpul <noreply@simpul.invalid>]
    #[arg(long, env = "SIMPUL_SMTP_FROM", value_name = "ADDRESS")]
    pub smtp_from: Option<String>,
    /// Mark cookies Secure and send HSTS [default: on when the base URL is https://]
    #[arg(long, env = "SIMPUL_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Address for Prometheus metrics (/metrics), apart from the site, e.g. 127.0.0.1:9090
    /// [default: none, metrics are not served]
    #[arg(long, env = "SIMPUL_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<String>,
    /// Log format: text or json [default: text]
    #[arg(long, env = "SIMPUL_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Installation secret for encrypting personal data (NIK); every instance of a site needs the
    /// same one [default: DATA_DIR/secret.key, created on first start]
    #[arg(
        long,
        env = "SIMPUL_SECRET_KEY",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// Map tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png [default: none, points without a base map]
    #[arg(long, env = "SIMPUL_MAP_TILES", value_name = "URL")]
    pub map_tiles: Option<String>,
    /// Attribution shown on the map for the tiles
    #[arg(long, env = "SIMPUL_MAP_ATTRIBUTION", value_name = "TEXT")]
    pub map_attribution: Option<String>,
    /// Days without activity after which a KIM is marked inactive [default: 180]
    #[arg(long, env = "SIMPUL_KIM_INACTIVE_DAYS", value_name = "DAYS")]
    pub kim_inactive_days: Option<i64>,
    /// Seconds a background job (an import) stays claimed by an instance that stopped answering
    /// before another instance reruns it [default: 60]
    #[arg(long, env = "SIMPUL_JOB_LEASE_SECS", value_name = "SECONDS")]
    pub job_lease_secs: Option<i64>,
    /// Serve requests only; leave background jobs to other instances
    #[arg(long, env = "SIMPUL_NO_WORKER")]
    pub no_worker: bool,
}

/// The optional TOML file; every key is optional and unknown keys are an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub metrics_listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub base_url: Option<String>,
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub secure_cookies: Option<bool>,
    pub log_format: Option<String>,
    pub demo: Option<bool>,
    pub secret_key: Option<String>,
    pub map_tiles: Option<String>,
    pub map_attribution: Option<String>,
    pub kim_inactive_days: Option<i64>,
    pub job_lease_secs: Option<i64>,
}

impl FileConfig {
    pub fn read(path: Option<&Path>) -> Result<FileConfig> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("config file {} is not valid", path.display()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Fully resolved settings for `serve`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub metrics_listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub demo: bool,
    pub base_url: String,
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    pub secure_cookies: bool,
    pub log_format: LogFormat,
    pub secret_key: Vec<u8>,
    pub map_tiles: String,
    pub map_attribution: String,
    pub kim_inactive_days: i64,
    pub job_lease_secs: i64,
    pub run_jobs: bool,
}

/// The installation secret: given, or read from (and on first start written to) the data dir.
fn secret_key(given: Option<String>, data_dir: &Path) -> Result<Vec<u8>> {
    if let Some(s) = given {
        if s.len() < 16 {
            bail!("--secret-key must be at least 16 characters");
        }
        return Ok(s.into_bytes());
    }
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let fresh = simpul_core::secrets::new_token("");
    std::fs::write(&path, &fresh).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(fresh.into_bytes())
}

/// The database URL and data directory after layering.
pub fn resolve_db(args: &DbArgs, file: &FileConfig) -> Result<(PathBuf, String)> {
    let data_dir = args
        .data_dir
        .clone()
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("simpul-data"));
    let url = match args
        .database_url
        .clone()
        .or_else(|| file.database_url.clone())
    {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&data_dir)
                .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
            format!("sqlite://{}", data_dir.join("simpul.db").display())
        }
    };
    if !(url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://"))
    {
        bail!(
            "--database-url must start with sqlite:// or postgres:// (got {})",
            simpul_store::connect::redact(&url)
        );
    }
    Ok((data_dir, url))
}

impl Settings {
    pub fn resolve(args: &ServeArgs, file: &FileConfig) -> Result<Settings> {
        let listen_text = args
            .listen
            .clone()
            .or_else(|| file.listen.clone())
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.parse().with_context(|| {
            format!("--listen {listen_text:?} is not an address like 127.0.0.1:8080")
        })?;
        let metrics_listen = match args
            .metrics_listen
            .clone()
            .or_else(|| file.metrics_listen.clone())
        {
            Some(text) => Some(text.parse::<SocketAddr>().with_context(|| {
                format!("--metrics-listen {text:?} is not an address like 127.0.0.1:9090")
            })?),
            None => None,
        };
        if metrics_listen.is_some_and(|m| m == listen && m.port() != 0) {
            bail!("--metrics-listen must differ from --listen: metrics are not for the public");
        }
        let (data_dir, database_url) = resolve_db(&args.db, file)?;
        let log_format = match args
            .log_format
            .clone()
            .or_else(|| file.log_format.clone())
            .as_deref()
        {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("--log-format must be text or json (got {other:?})"),
        };
        let base_url = args
            .base_url
            .clone()
            .or_else(|| file.base_url.clone())
            .unwrap_or_else(|| format!("http://{listen}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            bail!("--base-url must start with http:// or https:// (got {base_url:?})");
        }
        let smtp_url = args.smtp_url.clone().or_else(|| file.smtp_url.clone());
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                bail!("--smtp-url must start with smtp:// or smtps://");
            }
        }
        let kim_inactive_days = args
            .kim_inactive_days
            .or(file.kim_inactive_days)
            .unwrap_or(180);
        if !(1..=3650).contains(&kim_inactive_days) {
            bail!("--kim-inactive-days must be between 1 and 3650");
        }
        let job_lease_secs = args.job_lease_secs.or(file.job_lease_secs).unwrap_or(60);
        if !(2..=3600).contains(&job_lease_secs) {
            bail!("--job-lease-secs must be between 2 and 3600");
        }
        let map_tiles = args
            .map_tiles
            .clone()
            .or_else(|| file.map_tiles.clone())
            .unwrap_or_default();
        let tiles_ok = map_tiles.is_empty()
            || map_tiles.starts_with("https://")
            || map_tiles.starts_with("http://");
        if !tiles_ok {
            bail!("--map-tiles must be an http(s) URL template");
        }
        // Behind https the cookies must never travel in clear: on unless the file says no.
        let secure_cookies = args.secure_cookies
            || file
                .secure_cookies
                .unwrap_or(base_url.starts_with("https://"));
        Ok(Settings {
            secret_key: secret_key(
                args.secret_key.clone().or_else(|| file.secret_key.clone()),
                &data_dir,
            )?,
            map_tiles,
            map_attribution: args
                .map_attribution
                .clone()
                .or_else(|| file.map_attribution.clone())
                .unwrap_or_default(),
            kim_inactive_days,
            job_lease_secs,
            run_jobs: !args.no_worker,
            listen,
            metrics_listen,
            data_dir,
            database_url,
            demo: args.demo || file.demo.unwrap_or(false),
            base_url,
            smtp_url,
            smtp_from: args
                .smtp_from
                .clone()
                .or_else(|| file.smtp_from.clone())
                .unwrap_or_else(|| "Simpul <noreply@simpul.invalid>".into()),
            secure_cookies,
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_and_file_beats_defaults() {
        let file: FileConfig = toml::from_str("listen = \"0.0.0.0:9000\"\nbase_url = \"https://simpul.jatimprov.go.id\"\ndatabase_url = \"sqlite://x.db\"").unwrap();
        let args = ServeArgs {
            listen: Some("127.0.0.1:7000".into()),
            ..Default::default()
        };
        let s = Settings::resolve(&args, &file).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(s.base_url, "https://simpul.jatimprov.go.id");
        assert_eq!(s.log_format, LogFormat::Text);
        assert!(
            s.secure_cookies,
            "an https base URL turns Secure cookies on"
        );
        assert_eq!(
            s.metrics_listen, None,
            "metrics are not served unless asked for"
        );
    }

    #[test]
    fn secure_cookies_follow_the_base_url_and_metrics_get_their_own_address() {
        let file = FileConfig {
            database_url: Some("sqlite://x.db".into()),
            ..Default::default()
        };
        let plain = Settings::resolve(&ServeArgs::default(), &file).unwrap();
        assert!(!plain.secure_cookies, "http://127.0.0.1:8080 has no TLS");
        let args = ServeArgs {
            base_url: Some("https://simpul.example.go.id".into()),
            metrics_listen: Some("127.0.0.1:9090".into()),
            ..Default::default()
        };
        let tls = Settings::resolve(&args, &file).unwrap();
        assert!(tls.secure_cookies);
        assert_eq!(tls.metrics_listen, Some("127.0.0.1:9090".parse().unwrap()));
        let opted_out = FileConfig {
            secure_cookies: Some(false),
            ..file
        };
        assert!(!Settings::resolve(&args, &opted_out).unwrap().secure_cookies);
        let same = ServeArgs {
            listen: Some("127.0.0.1:9090".into()),
            ..args
        };
        assert!(Settings::resolve(&same, &opted_out)
            .unwrap_err()
            .to_string()
            .contains("--metrics-listen"));
    }

    #[test]
    fn bad_values_are_explained() {
        let file = FileConfig {
            database_url: Some("sqlite://x.db".into()),
            ..Default::default()
        };
        let bad = |args: ServeArgs| Settings::resolve(&args, &file).unwrap_err().to_string();
        assert!(bad(ServeArgs {
            listen: Some("nope".into()),
            ..Default::default()
        })
        .contains("--listen"));
        assert!(bad(ServeArgs {
            log_format: Some("xml".into()),
            ..Default::default()
        })
        .contains("--log-format"));
        assert!(bad(ServeArgs {
            smtp_url: Some("http://x".into()),
            ..Default::default()
        })
        .contains("--smtp-url"));
        let err = toml::from_str::<FileConfig>("lisen = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("lisen"), "{err}");
        let mysql = DbArgs {
            database_url: Some("mysql://root@localhost/x".into()),
            ..Default::default()
        };
        assert!(resolve_db(&mysql, &FileConfig::default())
            .unwrap_err()
            .to_string()
            .contains("sqlite://"));
    }
}
