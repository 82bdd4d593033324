//! `vidan`: serve the site (default), run migrations, create an admin, back up and restore SQLite.

use server::{Application, Config};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: vidan [serve | migrate | create-admin EMAIL NAME | backup FOLDER\n\
  \x20            | backup FILE.db | restore FOLDER [--replace] | bench-seed FIXTURE\n\
  \x20            | bench-compute FIXTURE]\n\
  create-admin reads the password from VIDAN_ADMIN_PASSWORD or, failing that, standard input.\n\
  backup FOLDER writes a consistent copy of the SQLite database and the files' folder, also while\n\
  the server runs (backup FILE.db: the database alone). restore FOLDER checks a backup whole and\n\
  puts it where DATABASE_URL and VIDAN_FILES_DIR say (stop the server; --replace keeps the\n\
  database that was there aside). bench-seed fills a new, empty database with the benchmark's\n\
  large data set and writes what the benchmark needs to know of it to FIXTURE (JSON);\n\
  bench-compute times the heavy computations on it.";

fn main() -> anyhow::Result<()> {
    no_transparent_huge_pages();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// mimalloc marks its memory for transparent huge pages, and a 2 MiB page is resident as soon as
/// one byte of it is used: with a thread per database connection, a vote rush more than doubled
/// the server's peak memory (128 MB with glibc's allocator, 284 MB). What `MIMALLOC_ALLOW_THP=0`
/// does, for this process only, before its threads start.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flag.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

async fn run() -> anyhow::Result<()> {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,sqlx=warn".into())
    };
    // One JSON object a line for a log collector, or lines for people to read.
    match std::env::var("VIDAN_LOG_FORMAT").as_deref().map(str::trim) {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_env_filter(filter())
            .init(),
        Ok("" | "text") | Err(_) => tracing_subscriber::fmt().with_env_filter(filter()).init(),
        Ok(other) => anyhow::bail!("VIDAN_LOG_FORMAT={other:?}: use text or json"),
    }
    let config = Config::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {
            config.check_serving()?;
            let app = Application::build(config).await?;
            tracing::info!("Vì Dân is listening on http://127.0.0.1:{}", app.port());
            app.run_until_stopped().await
        }
        ["migrate"] => {
            let db = server::db::connect(&config).await?;
            server::db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        ["create-admin", email, name] => {
            let password = match std::env::var("VIDAN_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    eprintln!("password for {email}:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let db = server::db::connect(&config).await?;
            server::db::migrate(&db).await?;
            app::org::service::appoint_admin(&db, email, name, password)
                .await
                .map_err(|e| anyhow::anyhow!("{}", said(&e)))?;
            println!("{email} is an admin");
            Ok(())
        }
        ["backup", file] if file.ends_with(".db") => {
            let db = existing_database(&config).await?;
            server::db::backup(&db, std::path::Path::new(file)).await?;
            println!("backed up the database to {file}");
            Ok(())
        }
        ["backup", folder] => {
            let db = existing_database(&config).await?;
            let files = config.s3.is_none().then_some(config.files_dir.as_path());
            let made = server::backups::backup(&db, files, std::path::Path::new(folder)).await?;
            println!(
                "backed up the database and {} files ({} bytes) to {folder}",
                made.files, made.bytes
            );
            if config.s3.is_some() {
                println!("the files are in the bucket: copy it with its own tools");
            }
            Ok(())
        }
        ["restore", folder, rest @ ..] if rest.is_empty() || rest == ["--replace"] => {
            let Some(database) = server::db::sqlite_file(&config.database_url) else {
                anyhow::bail!(
                    "restore puts back a SQLite site; for PostgreSQL use pg_restore (README)"
                );
            };
            let restored = server::backups::restore(
                std::path::Path::new(folder),
                server::backups::Destination {
                    database: std::path::Path::new(&database),
                    files_dir: &config.files_dir,
                    replace: !rest.is_empty(),
                },
            )
            .await?;
            if let Some(aside) = restored.set_aside {
                println!("the database that was there is kept as {}", aside.display());
            }
            println!(
                "restored the database to {database} and {} files to {}",
                restored.files,
                config.files_dir.display()
            );
            Ok(())
        }
        ["bench-seed", fixture] => {
            let db = server::db::connect(&config).await?;
            server::db::migrate(&db).await?;
            let storage = server::storage(&config).await?;
            if !app::demo::seed_if_empty(&db, &app::links::Links::new(&config.base_url), &storage)
                .await?
            {
                anyhow::bail!("bench-seed needs a new, empty database");
            }
            let started = std::time::Instant::now();
            let made = app::demo::large::seed(&db, &app::demo::large::Scale::full())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(fixture, serde_json::to_vec_pretty(&made)?)?;
            println!(
                "seeded {} citizens, {} challenges, {} entries, {} votes, {} scores, {} pilots in {:.1} s",
                made.citizens,
                made.challenges,
                made.entries,
                made.votes,
                made.scores,
                made.pilots,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        ["bench-compute", fixture] => {
            let db = server::db::connect(&config).await?;
            let made: app::demo::large::Fixture = serde_json::from_slice(&std::fs::read(fixture)?)?;
            let timings = app::demo::large::computations(&db, &made, 5)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string(&timings)?);
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}

/// The site's database for a backup: one that is there. (Started without the environment file,
/// from cron say, `DATABASE_URL` falls back to `data/vidan.db` here, which would be made new and
/// empty, and backed up as if it were the site.)
async fn existing_database(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    if let Some(file) = server::db::sqlite_file(&config.database_url)
        && !std::path::Path::new(&file).is_file()
    {
        anyhow::bail!(
            "there is no database at {file}: is DATABASE_URL set as the server has it (the \
             environment file)?"
        );
    }
    server::db::connect(config).await
}

/// An error as a person reads it, in English: the message, and each field's.
fn said(err: &app::error::AppError) -> String {
    use app::i18n::Locale;
    match err {
        app::error::AppError::Invalid(fields) => fields
            .iter()
            .filter_map(|f| {
                err.field_message(&f.field, Locale::En)
                    .map(|m| format!("{}: {m}", f.field))
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.message(Locale::En),
    }
}
