//! Raw statements that both databases run: written with SQLite's numbered parameters (`?1`,
//! `?2`…), which PostgreSQL spells `$1`, `$2`…

use sea_orm::{DatabaseBackend, Statement, Value};

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
