//! `simpul import-kims`: the same checks and all-or-nothing write as the web import, with a
//! progress bar and a plain-text report.

use anyhow::{bail, Context, Result};
use simpul_app::import;
use simpul_app::import::import_territory;
use simpul_app::{AppCtx, Config, Locale};
use simpul_core::audit::AuditContext;
use simpul_core::sheet::{self, Limits};
use simpul_store::Store;

pub async fn run(
    store: &Store,
    as_user: &str,
    filename: &str,
    bytes: &[u8],
    commit: bool,
    progress: impl FnMut(usize, usize),
) -> Result<String> {
    let state = AppCtx::new(store.clone(), Config::default()).await?;
    let t = state.catalog.messages(Locale::En);
    let user = store
        .user_by_username(as_user)
        .await?
        .with_context(|| format!("no account named {as_user}"))?;
    let who = simpul_app::accounts::actor(&state, user.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let territory = import_territory(&who).map_err(|_| {
        anyhow::anyhow!(
            "{as_user} may not import KIMs (needs a national, provincial or regency admin role)"
        )
    })?;
    let format = sheet::detect_format(filename, bytes)
        .map_err(|e| anyhow::anyhow!("{}", t.get(e.message_key())))?;
    let table = sheet::read_table(bytes, format, &Limits::default())
        .map_err(|e| anyhow::anyhow!("{}", t.get(e.message_key())))?;
    if let Err(columns) = import::check_headers(&table) {
        bail!("{} ({})", t.get("error.import_headers"), columns.join(", "));
    }
    let plan = import::plan(&state, &table, &territory, true, progress)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut out = String::new();
    let wrong = plan.rows.iter().filter(|r| r.outcome != "ok");
    // Like the web report, a bounded list: the counts below cover every row.
    for row in wrong.clone().take(import::MAX_REPORT_ROWS) {
        let problems: Vec<String> = row
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, t.get(&e.code)))
            .collect();
        out.push_str(&format!(
            "line {}: {} — {} {}\n",
            row.line,
            row.name,
            t.get(&format!("import.outcome_{}", row.outcome)),
            problems.join("; ")
        ));
    }
    let unlisted = wrong.count().saturating_sub(import::MAX_REPORT_ROWS);
    if unlisted > 0 {
        out.push_str(&format!("… and {unlisted} more lines not listed.\n"));
    }
    let exists = plan.rows.iter().filter(|r| r.outcome == "exists").count();
    out.push_str(&format!(
        "{} rows: {} ready, {} already registered, {} wrong ({}).\n",
        plan.rows.len(),
        plan.ready.len(),
        exists,
        plan.errors(),
        table.encoding
    ));
    if commit {
        if plan.errors() > 0 {
            bail!("{out}nothing written: fix the wrong rows first");
        }
        let ctx = AuditContext {
            actor_id: Some(user.id),
            actor_name: format!("cli:{as_user}"),
            request_id: None,
            ip: None,
        };
        let written = import::commit(&state, &ctx, &import::one_off_batch(), &plan, |_| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        out.push_str(&format!("{written} KIMs written.\n"));
    } else {
        out.push_str("Dry run: nothing written (add --commit).\n");
    }
    Ok(out)
}
