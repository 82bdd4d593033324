//! The mailbox behind an email address, as a key: `lan+1@gmail.com`, `l.an@googlemail.com` and
//! `lan@gmail.com` reach one mailbox, so they are one person's, and one account's. Registration
//! looks the key up; existing accounts get theirs here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    MailboxKey,
}

/// The key of `email` (lower case already): the local part without a `+tag`; at Gmail, without
/// dots, and googlemail.com as gmail.com. The app folds new addresses the same way
/// (`app::account::rules::mailbox_key`, whose tests cover these cases).
pub(crate) fn key(email: &str) -> String {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return email.to_owned();
    };
    let local = local.split('+').next().unwrap_or(local);
    match domain {
        "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
        _ => format!("{local}@{domain}"),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::MailboxKey).string_len(254).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_mailbox_key")
                    .table(Users::Table)
                    .col(Users::MailboxKey)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, email FROM users",
            ))
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let email: String = row.try_get("", "email")?;
            let sql = match backend {
                sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE users SET mailbox_key = $1 WHERE id = $2"
                }
                _ => "UPDATE users SET mailbox_key = ?1 WHERE id = ?2",
            };
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [key(&email.to_lowercase()).into(), id.into()],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_mailbox_key")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::MailboxKey)
                    .to_owned(),
            )
            .await
    }
}
