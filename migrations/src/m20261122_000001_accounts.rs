//! Accounts, their sessions, one-time email codes and the sign-in attempts that drive lockout.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    EmailVerifiedAt,
    IsAdmin,
    Locale,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum EmailCodes {
    Table,
    Id,
    UserId,
    Purpose,
    CodeHash,
    Attempts,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SignInAttempts {
    Table,
    Id,
    EmailKey,
    Ip,
    Succeeded,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 80))
                    .col(string(Users::PasswordHash))
                    .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(string_len(Users::Locale, 5).default("vi"))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(big_integer(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(string_len_null(Sessions::Ip, 64))
                    .col(string_len_null(Sessions::UserAgent, 255))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailCodes::Table)
                    .col(big_pk_auto(EmailCodes::Id))
                    .col(big_integer(EmailCodes::UserId))
                    .col(string_len(EmailCodes::Purpose, 16))
                    .col(string_len(EmailCodes::CodeHash, 64))
                    .col(integer(EmailCodes::Attempts).default(0))
                    .col(timestamp_with_time_zone(EmailCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EmailCodes::UsedAt))
                    .col(timestamp_with_time_zone(EmailCodes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailCodes::Table, EmailCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_email_codes_user_purpose")
                    .table(EmailCodes::Table)
                    .col(EmailCodes::UserId)
                    .col(EmailCodes::Purpose)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInAttempts::Table)
                    .col(big_pk_auto(SignInAttempts::Id))
                    .col(string_len(SignInAttempts::EmailKey, 254))
                    .col(string_len(SignInAttempts::Ip, 64))
                    .col(boolean(SignInAttempts::Succeeded))
                    .col(timestamp_with_time_zone(SignInAttempts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_sign_in_attempts_email", SignInAttempts::EmailKey),
            ("idx_sign_in_attempts_ip", SignInAttempts::Ip),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SignInAttempts::Table)
                        .col(col)
                        .col(SignInAttempts::CreatedAt)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SignInAttempts::Table.into_iden(),
            EmailCodes::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
