//! Loading a fact-check archive (`ClaimReview` JSON) on a page, and taking Simpul's published
//! clarifications out in the same format (the API's export, linked from the public list).

use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::extract::{CsrfMultipart, SessionUser};
use crate::pages::{render, render_with_status, Page};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use simpul_app::hoax::archive::{self, ImportOutcome};
use simpul_core::authz::Action;
use simpul_core::hoax::claimreview::Problem;

#[derive(Template)]
#[template(path = "hoax_import.html")]
struct ImportPage<'a> {
    page: Page<'a>,
    done: Option<String>,
    problems: Vec<String>,
}

/// "Butir 2 (reviewRating): label «Menyesatkan» tidak dikenal …" in the reader's language.
pub fn problem_text(page: &Page<'_>, p: &Problem) -> String {
    let message = page.t.fmt(p.key, &[("value", &p.value)]);
    if p.item == 0 {
        message
    } else {
        page.t.fmt(
            "hoax.import.item",
            &[
                ("item", &p.item.to_string()),
                ("field", p.field),
                ("message", &message),
            ],
        )
    }
}

fn require_checker(user: &crate::extract::CurrentUser) -> AppResult<()> {
    if user.actor.can(Action::CheckClaim { region: None }) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
) -> AppResult<Response> {
    require_checker(&user)?;
    render(ImportPage {
        page: Page::new(&state, &ctx, Some(&user)),
        done: None,
        problems: Vec::new(),
    })
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfMultipart(mut multipart): CsrfMultipart,
) -> AppResult<Response> {
    require_checker(&user)?;
    let mut bytes = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error.bad_form"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        // Read in chunks so an oversized upload stops at the archive limit, not in memory.
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| AppError::BadRequest("error.file_too_large"))?
        {
            if bytes.len() + chunk.len() > simpul_core::hoax::claimreview::MAX_BYTES + 1 {
                bytes.resize(simpul_core::hoax::claimreview::MAX_BYTES + 1, b' ');
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
    }
    let page = Page::new(&state, &ctx, Some(&user));
    if bytes.is_empty() {
        let problems = vec![page.t.get("error.no_file").to_owned()];
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportPage {
                page,
                done: None,
                problems,
            },
        );
    }
    match archive::import(&state, &user.actor, &user.audit(&ctx), &bytes).await? {
        Ok(ImportOutcome { imported, skipped }) => {
            let done = Some(page.t.fmt(
                "hoax.import.done",
                &[
                    ("imported", &imported.to_string()),
                    ("skipped", &skipped.to_string()),
                ],
            ));
            render(ImportPage {
                page,
                done,
                problems: Vec::new(),
            })
        }
        Err(problems) => {
            let problems = problems.iter().map(|p| problem_text(&page, p)).collect();
            render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                ImportPage {
                    page,
                    done: None,
                    problems,
                },
            )
        }
    }
}
