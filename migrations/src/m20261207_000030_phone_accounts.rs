//! Accounts by phone: an account has an email address, a Vietnamese mobile number, or both, so
//! `users.email` may be empty; a number is proved by a code sent to it, and one number is one
//! account. A one-time code remembers where it was sent (the address or the number it proves).
//! Staff may ask a public vote for a proved number: one number, one voter.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    EmailVerifiedAt,
    IsAdmin,
    Locale,
    CreatedAt,
    MailboxKey,
    Phone,
    PhoneVerifiedAt,
}

#[derive(DeriveIden)]
enum EmailCodes {
    Table,
    SentTo,
}

#[derive(DeriveIden)]
enum VoteSettings {
    Table,
    RequiresPhone,
}

/// The columns `users` had before, in their order.
const KEPT: &str = "id, email, display_name, password_hash, email_verified_at, is_admin, locale, created_at, \
     mailbox_key";

fn phone_index() -> IndexCreateStatement {
    Index::create()
        .name("idx_users_phone")
        .table(Users::Table)
        .col(Users::Phone)
        .unique()
        .to_owned()
}

fn sent_to() -> TableAlterStatement {
    Table::alter()
        .table(EmailCodes::Table)
        .add_column(string_len_null(EmailCodes::SentTo, 254))
        .to_owned()
}

fn requires_phone() -> TableAlterStatement {
    Table::alter()
        .table(VoteSettings::Table)
        .add_column(boolean(VoteSettings::RequiresPhone).default(false))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DatabaseBackend::Sqlite {
            return up_on_sqlite(manager).await;
        }
        // PostgreSQL runs a migration in one transaction.
        db.execute_unprepared("ALTER TABLE users ALTER COLUMN email DROP NOT NULL")
            .await?;
        for column in [
            string_len_null(Users::Phone, 16),
            timestamp_with_time_zone_null(Users::PhoneVerifiedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager.create_index(phone_index()).await?;
        manager.alter_table(sent_to()).await?;
        manager.alter_table(requires_phone()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(VoteSettings::Table)
                    .drop_column(VoteSettings::RequiresPhone)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EmailCodes::Table)
                    .drop_column(EmailCodes::SentTo)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_phone")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        // Accounts without an address cannot go back to a table that needs one.
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM users WHERE email IS NULL")
            .await?;
        for column in [Users::PhoneVerifiedAt, Users::Phone] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// SQLite cannot drop a column's NOT NULL in place. Its documented way (ALTER TABLE, "making
/// other kinds of table schema changes") is followed, on one connection of the pool taken for
/// it: with foreign keys off there, in one transaction, the new table is made, the rows copied
/// (ids and all, so every reference to an account still holds), the old table dropped and the
/// new one renamed, its indexes made again and its AUTOINCREMENT high-water mark kept; the rest
/// of this migration joins the same transaction. Before it commits, the tables that refer to
/// accounts are checked to still find them; anything wrong rolls the whole of it back.
async fn up_on_sqlite(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::sqlx::{self, AssertSqlSafe, Executor, Row};
    let SchemaManagerConnection::Connection(db) = manager.get_connection() else {
        return Err(DbErr::Migration(
            "rebuilding users on SQLite needs a connection of its own, not a transaction".into(),
        ));
    };
    let failed = |err: sqlx::Error| DbErr::Migration(format!("rebuilding users: {err}"));
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(failed)?;
    let indexes: Vec<String> = sqlx::query(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' \
         AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(failed)?
    .iter()
    .map(|row| row.get::<String, _>("sql"))
    .collect();
    let high_water: i64 = sqlx::query("SELECT seq FROM sqlite_sequence WHERE name = 'users'")
        .fetch_optional(&mut *conn)
        .await
        .map_err(failed)?
        .map_or(0, |row| row.get::<i64, _>("seq"));
    let referring: Vec<String> = sqlx::query(
        "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' AND f.\"table\" = 'users'",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(failed)?
    .iter()
    .map(|row| row.get::<String, _>("name"))
    .collect();
    let table = Table::create()
        .table("users_rebuilt")
        .col(big_pk_auto(Users::Id))
        .col(string_len_null(Users::Email, 254).unique_key())
        .col(string_len(Users::DisplayName, 80))
        .col(string(Users::PasswordHash))
        .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
        .col(boolean(Users::IsAdmin).default(false))
        .col(string_len(Users::Locale, 5).default("vi"))
        .col(timestamp_with_time_zone(Users::CreatedAt))
        .col(string_len_null(Users::MailboxKey, 254))
        .col(string_len_null(Users::Phone, 16))
        .col(timestamp_with_time_zone_null(Users::PhoneVerifiedAt))
        .to_owned()
        .to_string(SqliteQueryBuilder);
    let mut steps = vec![
        table,
        format!("INSERT INTO users_rebuilt ({KEPT}) SELECT {KEPT} FROM users"),
        "DROP TABLE users".to_owned(),
        "ALTER TABLE users_rebuilt RENAME TO users".to_owned(),
        format!("UPDATE sqlite_sequence SET seq = MAX(seq, {high_water}) WHERE name = 'users'"),
    ];
    steps.extend(indexes);
    steps.push(phone_index().to_string(SqliteQueryBuilder));
    steps.push(sent_to().to_string(SqliteQueryBuilder));
    steps.push(requires_phone().to_string(SqliteQueryBuilder));
    (&mut *conn)
        .execute("PRAGMA foreign_keys = OFF")
        .await
        .map_err(failed)?;
    let rebuilt = async {
        (&mut *conn).execute("BEGIN IMMEDIATE").await?;
        for step in steps {
            (&mut *conn).execute(AssertSqlSafe(step)).await?;
        }
        let mut broken = 0;
        for name in &referring {
            let check = format!("PRAGMA foreign_key_check(\"{name}\")");
            broken += sqlx::query(AssertSqlSafe(check))
                .fetch_all(&mut *conn)
                .await?
                .len();
        }
        if broken > 0 {
            return Err(sqlx::Error::Protocol(format!(
                "{broken} rows would refer to accounts that are not there"
            )));
        }
        (&mut *conn).execute("COMMIT").await?;
        Ok(())
    }
    .await;
    if rebuilt.is_err() {
        // Nothing of it stays: the connection goes back to the pool as it came.
        let _ = (&mut *conn).execute("ROLLBACK").await;
    }
    (&mut *conn)
        .execute("PRAGMA foreign_keys = ON")
        .await
        .map_err(failed)?;
    rebuilt.map_err(failed)
}
