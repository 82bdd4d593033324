//! Every migration goes up, comes down and goes up again, on SQLite and PostgreSQL.

mod common;

use common::{Backend, spawn_app};
use migrations::{Migrator, MigratorTrait};

async fn migrations_go_down_and_up_again(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(app.scalar("SELECT COUNT(*) FROM users").await >= 1);
    Migrator::down(&app.db, None)
        .await
        .expect("every migration has a working down");
    assert_eq!(
        Migrator::get_applied_migrations(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );
    Migrator::up(&app.db, None)
        .await
        .expect("and goes up again");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users").await,
        0,
        "a fresh schema"
    );
}

async fn a_second_instance_on_the_same_database_shares_sessions(backend: Backend) {
    let first = spawn_app(backend).await;
    let visitor = first.admin().await;
    let second = common::spawn_second_instance(&first).await;
    let same_cookie_elsewhere = visitor.with_base(&second);
    assert!(
        same_cookie_elsewhere
            .viewer()
            .await
            .expect("signed in on the second instance too")
            .is_admin
    );
    same_cookie_elsewhere
        .call("account/sign-out", &[])
        .await
        .ok();
    assert!(
        visitor.viewer().await.is_none(),
        "signing out on one instance ends the session on both"
    );
}

on_both_databases!(
    migrations_go_down_and_up_again,
    a_second_instance_on_the_same_database_shares_sessions
);
