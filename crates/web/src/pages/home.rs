use super::{render, Page};
use crate::csrf::RequestCtx;
use crate::error::AppResult;
use crate::extract::MaybeUser;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    page: Page<'a>,
    summary: String,
}

pub async fn home(
    State(state): State<AppState>,
    ctx: RequestCtx,
    MaybeUser(user): MaybeUser,
) -> AppResult<Response> {
    // Counted once when the in-memory index is built: counting 91,599 rows in the database on
    // every visit cost about 300 ms (BENCHMARKS.md).
    use simpul_core::regions::Level;
    let index = state.regions.index(&state.store).await?;
    let counts = [
        Level::Province,
        Level::Regency,
        Level::District,
        Level::Village,
    ]
    .map(|level| index.count(level));
    let page = Page::new(&state, &ctx, user.as_ref());
    let [p, r, d, v] = counts.map(|n| n.to_string());
    let summary = page.t.fmt(
        "home.regions_summary",
        &[
            ("provinces", &p),
            ("regencies", &r),
            ("districts", &d),
            ("villages", &v),
        ],
    );
    render(Home { page, summary })
}
