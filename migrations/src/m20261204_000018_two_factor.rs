//! Two-step sign-in: an account's authenticator secret (pending until a first code confirms it),
//! its one-time recovery codes (kept as hashes), and the sign-ins waiting for their second step.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TwoFactor {
    Table,
    UserId,
    Secret,
    CreatedAt,
    EnabledAt,
    /// The last time step whose code was accepted: a code is taken once, never again.
    LastStep,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum SignInSteps {
    Table,
    Id,
    UserId,
    Tries,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn to_user(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TwoFactor::Table)
                    .col(big_integer(TwoFactor::UserId).primary_key())
                    .col(string_len(TwoFactor::Secret, 64))
                    .col(timestamp_with_time_zone(TwoFactor::CreatedAt))
                    .col(timestamp_with_time_zone_null(TwoFactor::EnabledAt))
                    .col(big_integer_null(TwoFactor::LastStep))
                    .foreign_key(&mut to_user((TwoFactor::Table, TwoFactor::UserId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(big_integer(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .primary_key(
                        Index::create()
                            .col(RecoveryCodes::UserId)
                            .col(RecoveryCodes::CodeHash),
                    )
                    .foreign_key(&mut to_user((RecoveryCodes::Table, RecoveryCodes::UserId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInSteps::Table)
                    .col(string_len(SignInSteps::Id, 64).primary_key())
                    .col(big_integer(SignInSteps::UserId))
                    .col(integer(SignInSteps::Tries))
                    .col(timestamp_with_time_zone(SignInSteps::CreatedAt))
                    .col(timestamp_with_time_zone(SignInSteps::ExpiresAt))
                    .foreign_key(&mut to_user((SignInSteps::Table, SignInSteps::UserId)))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SignInSteps::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            TwoFactor::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
