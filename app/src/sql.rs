//! Raw statements that both databases run: written with SQLite's numbered parameters (`?1`,
//! `?2`…), which PostgreSQL spells `$1`, `$2`…

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};

/// The statement `sql` (numbered parameters, no other `?` in it) for `backend`, with `values`.
pub fn numbered(
    backend: DatabaseBackend,
    sql: &str,
    values: impl IntoIterator<Item = Value>,
) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Holds the row of `table` whose `column` is `id` until the transaction `db` ends: another
/// transaction that holds it waits, and then reads what this one wrote. SQLite's writing
/// transactions run one at a time already (`crate::group_commit::begin_writing`); PostgreSQL
/// locks the row, as an update that keeps its key does: rows that merely refer to it (a
/// departure naming the person) are still written meanwhile. Take it first, before writing
/// anything that refers to the row, so that two transactions never wait on each other.
pub async fn hold_row(
    db: &impl ConnectionTrait,
    (table, column): (&str, &str),
    id: i64,
) -> Result<(), DbErr> {
    lock_row(db, (table, column), id, "FOR NO KEY UPDATE").await
}

/// As [`hold_row`], for a transaction that will change the row's key (an address with a unique
/// index): rows that refer to it wait too. Taken as the transaction's first statement.
pub async fn hold_row_to_rekey(
    db: &impl ConnectionTrait,
    (table, column): (&str, &str),
    id: i64,
) -> Result<(), DbErr> {
    lock_row(db, (table, column), id, "FOR UPDATE").await
}

async fn lock_row(
    db: &impl ConnectionTrait,
    (table, column): (&str, &str),
    id: i64,
    strength: &str,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        let sql = format!("SELECT 1 FROM {table} WHERE {column} = ?1 {strength}");
        db.execute_raw(numbered(backend, &sql, [id.into()])).await?;
    }
    Ok(())
}

/// A row of an outbox (email, SMS) that a worker claims before sending it: the columns it is
/// claimed by (its key, the time its lock ends, the time it was sent), and its own key and lock.
pub trait OutboxRow: Sized + Send {
    type Entity: sea_orm::EntityTrait;
    fn id_column() -> <Self::Entity as sea_orm::EntityTrait>::Column;
    fn locked_until_column() -> <Self::Entity as sea_orm::EntityTrait>::Column;
    fn sent_at_column() -> <Self::Entity as sea_orm::EntityTrait>::Column;
    fn id(&self) -> i64;
    fn locked_until(&mut self) -> &mut Option<chrono::DateTime<chrono::Utc>>;
}

/// Locks each of the `due` rows (as they were read) of an outbox for five minutes, each with
/// one conditional update: only the worker whose update finds the lock it read gets the row, so
/// two instances never send one message twice, and a worker that dies lets its rows go when the
/// lock ends. Returns the rows this worker got, each with the lock it set.
pub async fn claim_outbox_rows<R: OutboxRow>(
    db: &impl ConnectionTrait,
    due: Vec<R>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<R>, DbErr> {
    let mut claimed = Vec::with_capacity(due.len());
    for mut row in due {
        let until = claimed_until(now);
        if take_lock(db, &mut row, until).await? {
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// When a row an outbox's worker claims (or renews its claim on) at `now` is let go.
pub fn claimed_until(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now + chrono::Duration::minutes(5)
}

/// Renews a worker's claim on one outbox row just before it sends the row's message: a batch
/// whose sends are slow (a gateway taking its whole timeout for each) outlasts the first five
/// minutes, and a row whose lock ended meanwhile may be another instance's now. Only the worker
/// whose claim (the lock it set) still stands gets the row again, for five more minutes;
/// `false`: the row is no longer this worker's to send.
pub async fn renew_outbox_claim<R: OutboxRow>(
    db: &impl ConnectionTrait,
    row: &mut R,
) -> Result<bool, DbErr> {
    if row.locked_until().is_none() {
        return Ok(false);
    }
    take_lock(db, row, claimed_until(chrono::Utc::now())).await
}

/// Moves the row's lock to `until` if it is still unsent and its lock is still the one `row`
/// holds; the row then holds the new one.
async fn take_lock<R: OutboxRow>(
    db: &impl ConnectionTrait,
    row: &mut R,
    until: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let held = match *row.locked_until() {
        Some(previous) => R::locked_until_column().eq(previous),
        None => R::locked_until_column().is_null(),
    };
    let taken = R::Entity::update_many()
        .col_expr(
            R::locked_until_column(),
            sea_orm::sea_query::Expr::value(until),
        )
        .filter(R::id_column().eq(row.id()))
        .filter(R::sent_at_column().is_null())
        .filter(held)
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if taken {
        *row.locked_until() = Some(until);
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_gets_dollar_parameters_and_sqlite_keeps_its_own() {
        let sql = "SELECT ?1 AS a, ?2 AS b, ?1 AS c";
        let pg = numbered(DatabaseBackend::Postgres, sql, [1i64.into(), 2i64.into()]);
        assert_eq!(pg.sql, "SELECT $1 AS a, $2 AS b, $1 AS c");
        let lite = numbered(DatabaseBackend::Sqlite, sql, [1i64.into(), 2i64.into()]);
        assert_eq!(lite.sql, sql);
        assert_eq!(lite.values.unwrap().0.len(), 2);
    }
}
