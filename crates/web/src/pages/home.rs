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
    // From the in-memory index: counting 91,599 rows in the database on every visit cost
    // about 300 ms (BENCHMARKS.md).
    let mut counts = [0usize; 4];
    for region in state.regions.index(&state.store).await?.regions() {
        counts[region.level() as usize - 1] += 1;
    }
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
