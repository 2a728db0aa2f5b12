//! Territory filters in SQL: "this column holds a region code inside one of these roots".

use simpul_core::authz::ScopeRegions;
use sqlx::{Database, QueryBuilder};

/// Push ` AND (<column> = r OR <column> LIKE 'r.%' ...)` for a restricted territory; nothing for
/// the whole country; an always-false condition for an empty one.
pub(crate) fn push_territory<'a, DB: Database>(
    qb: &mut QueryBuilder<'a, DB>,
    column: &str,
    territory: &'a ScopeRegions,
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let ScopeRegions::Regions(roots) = territory else {
        return;
    };
    if roots.is_empty() {
        qb.push(" AND 1 = 0");
        return;
    }
    qb.push(" AND (");
    for (i, root) in roots.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push(format!("{column} = "));
        qb.push_bind(root.to_string());
        qb.push(format!(" OR {column} LIKE "));
        qb.push_bind(format!("{root}.%"));
    }
    qb.push(")");
}
