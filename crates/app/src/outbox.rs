//! The mail outbox as administrators see it: only mail to accounts they may manage (or, for
//! people without an account yet, addressed inside their territory), and never a secret link.

use crate::accounts;
use crate::error::{AppError, AppResult};
use crate::AppCtx;
use simpul_core::authz::Action;
use simpul_core::authz::Actor;
use std::collections::HashMap;

/// One mail as an administrator may read it.
pub struct OutboxEntry {
    pub mail: simpul_store::outbox::Mail,
    /// The body with any secret link replaced by a notice.
    pub body: String,
}

/// The mails `who` may read, newest first; `hidden` replaces secret links.
pub async fn visible(
    state: &AppCtx,
    who: &Actor,
    hidden: &str,
    limit: i64,
) -> AppResult<Vec<OutboxEntry>> {
    if !who.can(Action::ReadOutbox) {
        return Err(AppError::Forbidden);
    }
    let mails = state.store.outbox(&who.oversight(), limit).await?;
    // A mail to an account is listed only to those who may manage that account: a provincial
    // admin does not read a peer provincial admin's mail.
    let mut manageable: HashMap<i64, bool> = HashMap::new();
    let mut out = Vec::with_capacity(mails.len());
    for mail in mails {
        if let Some(user_id) = mail.user_id {
            let may = match manageable.get(&user_id) {
                Some(may) => *may,
                None => {
                    let may = match accounts::check_manage(state, who, user_id).await {
                        Ok(_) => true,
                        Err(AppError::Forbidden | AppError::NotFound) => false,
                        Err(e) => return Err(e),
                    };
                    manageable.insert(user_id, may);
                    may
                }
            };
            if !may {
                continue;
            }
        }
        let body = mail.body_redacted(hidden);
        out.push(OutboxEntry { mail, body });
    }
    Ok(out)
}

impl OutboxEntry {
    /// The message-catalogue key of the delivery status.
    pub fn status_key(&self) -> &'static str {
        match self.mail.status.as_str() {
            "sent" => "outbox.status_sent",
            "failed" => "outbox.status_failed",
            _ => "outbox.status_pending",
        }
    }
}
