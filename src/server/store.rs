//! What Orgdeck keeps itself (SQLite through sqlx; the migrations in `migrations/`):
//! the Admin Portal flows it started, and the WorkOS events it received.

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

/// One hosted Admin Portal flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub intent: String,
    pub slug: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub outcome: Option<String>,
    /// The capability's state when the flow started (JSON).
    pub snapshot: String,
}

fn flow_of(r: &sqlx::sqlite::SqliteRow) -> Flow {
    Flow {
        id: r.get("id"),
        organization_id: r.get("organization_id"),
        user_id: r.get("user_id"),
        intent: r.get("intent"),
        slug: r.get("slug"),
        started_at: r.get("started_at"),
        ended_at: r.get("ended_at"),
        outcome: r.get("outcome"),
        snapshot: r.get("snapshot"),
    }
}

/// A WorkOS event as stored: once per id, whichever way it came first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: String,
    pub event: String,
    pub organization_id: Option<String>,
    pub user_id: Option<String>,
    pub created_at: String,
    pub received_at: String,
    /// `webhook` or `events_api`.
    pub source: String,
    /// The whole event, as WorkOS sent it (JSON).
    pub payload: String,
}

fn event_of(r: &sqlx::sqlite::SqliteRow) -> StoredEvent {
    StoredEvent {
        id: r.get("id"),
        event: r.get("event"),
        organization_id: r.get("organization_id"),
        user_id: r.get("user_id"),
        created_at: r.get("created_at"),
        received_at: r.get("received_at"),
        source: r.get("source"),
        payload: r.get("payload"),
    }
}

/// Which stored events to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub organization_id: Option<String>,
    pub event: Option<String>,
    /// Only events created at or after this time.
    pub since: Option<String>,
    /// Only events older than this `(created_at, id)` (the page before).
    pub before: Option<(String, String)>,
    pub limit: i64,
}

/// A database failure, as users see it.
pub fn db_error(e: sqlx::Error) -> crate::error::AppError {
    crate::error::AppError::Internal { message: format!("Orgdeck's database: {e}") }
}

/// Now, as flows record times (ISO 8601, milliseconds, UTC).
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating the file and its folder when needed) and migrates.
    pub async fn connect(url: &str) -> Result<Store, String> {
        let options = SqliteConnectOptions::from_str(url).map_err(|e| format!("DATABASE_URL '{url}' cannot be used: {e}"))?;
        let path = options.get_filename().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        // Each connection to an in-memory database is a database of its own.
        let connections = if url.contains(":memory:") { 1 } else { 4 };
        // WAL: readers do not wait for the writer; a busy writer is waited for,
        // not failed (a burst of webhooks all write at once).
        let options = options
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(connections)
            .connect_with(options)
            .await
            .map_err(|e| format!("cannot open the database {url}: {e}"))?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| format!("cannot migrate the database {url}: {e}"))?;
        Ok(Store { pool })
    }

    pub async fn start_flow(&self, flow: &Flow) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO flows (id, organization_id, user_id, intent, slug, started_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(&flow.id)
            .bind(&flow.organization_id)
            .bind(&flow.user_id)
            .bind(&flow.intent)
            .bind(&flow.slug)
            .bind(&flow.started_at)
            .bind(&flow.snapshot)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The flow, only for the organization and user that started it.
    pub async fn flow(&self, id: &str, organization_id: &str, user_id: &str) -> Result<Option<Flow>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM flows WHERE id = ? AND organization_id = ? AND user_id = ?")
            .bind(id)
            .bind(organization_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(flow_of))
    }

    /// The user's latest flows in the organization, newest first.
    pub async fn recent_flows(&self, organization_id: &str, user_id: &str, limit: i64) -> Result<Vec<Flow>, sqlx::Error> {
        let rows = sqlx::query("SELECT * FROM flows WHERE organization_id = ? AND user_id = ? ORDER BY started_at DESC LIMIT ?")
            .bind(organization_id)
            .bind(user_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(flow_of).collect())
    }

    /// Records how the flow ended, the first time only.
    pub async fn end_flow(&self, id: &str, outcome: &str, at: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE flows SET outcome = ?, ended_at = ? WHERE id = ? AND ended_at IS NULL")
            .bind(outcome)
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many migrations the database has applied, and how many Orgdeck knows.
    pub async fn migrations_applied(&self) -> Result<(i64, i64), sqlx::Error> {
        let known = sqlx::migrate!("./migrations").migrations.len() as i64;
        let applied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await
            .map(|r| r.get("n"))?;
        Ok((applied, known))
    }

    pub async fn record_lab_action(&self, a: &crate::api::lab::LabAction) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO lab_actions (id, at, who, what, detail) VALUES (?, ?, ?, ?, ?)")
            .bind(ulid::Ulid::new().to_string())
            .bind(&a.at)
            .bind(&a.who)
            .bind(&a.what)
            .bind(&a.detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The latest lab actions, newest first.
    pub async fn lab_actions(&self, limit: i64) -> Result<Vec<crate::api::lab::LabAction>, sqlx::Error> {
        let rows = sqlx::query("SELECT at, who, what, detail FROM lab_actions ORDER BY at DESC, id DESC LIMIT ?").bind(limit).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| crate::api::lab::LabAction { at: r.get("at"), who: r.get("who"), what: r.get("what"), detail: r.get("detail") })
            .collect())
    }

    /// Stores the event unless one with its id is there: true when it was new.
    pub async fn insert_event(&self, e: &StoredEvent) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO events (id, event, organization_id, user_id, created_at, received_at, source, payload) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&e.id)
        .bind(&e.event)
        .bind(&e.organization_id)
        .bind(&e.user_id)
        .bind(&e.created_at)
        .bind(&e.received_at)
        .bind(&e.source)
        .bind(&e.payload)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn events(&self, q: &EventQuery) -> Result<Vec<StoredEvent>, sqlx::Error> {
        let mut sql = sqlx::QueryBuilder::<sqlx::Sqlite>::new("SELECT * FROM events WHERE 1 = 1");
        if let Some(org) = &q.organization_id {
            sql.push(" AND organization_id = ").push_bind(org);
        }
        if let Some(kind) = &q.event {
            sql.push(" AND event = ").push_bind(kind);
        }
        if let Some(since) = &q.since {
            sql.push(" AND created_at >= ").push_bind(since);
        }
        if let Some((at, id)) = &q.before {
            sql.push(" AND (created_at < ").push_bind(at).push(" OR (created_at = ").push_bind(at).push(" AND id < ").push_bind(id).push("))");
        }
        sql.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(q.limit);
        let rows = sql.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(event_of).collect())
    }

    pub async fn event(&self, id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM events WHERE id = ?").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(event_of))
    }

    /// The event types stored for an organization, for a filter.
    pub async fn event_types(&self, organization_id: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query("SELECT DISTINCT event FROM events WHERE organization_id = ? ORDER BY event")
            .bind(organization_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| r.get("event")).collect())
    }

    pub async fn event_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM events").fetch_one(&self.pool).await.map(|r| r.get("n"))
    }

    /// All stored event ids (for tests and reconciliation).
    pub async fn event_ids(&self) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query("SELECT id FROM events ORDER BY id").fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| r.get("id")).collect())
    }

    /// The newest stored event's time, where a lost cursor starts again.
    pub async fn newest_event_at(&self) -> Result<Option<String>, sqlx::Error> {
        sqlx::query("SELECT MAX(created_at) AS at FROM events").fetch_one(&self.pool).await.map(|r| r.get("at"))
    }

    pub async fn cursor(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT event_id FROM sync_cursors WHERE name = ?").bind(name).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.get("event_id")))
    }

    pub async fn set_cursor(&self, name: &str, event_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sync_cursors (name, event_id, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(event_id)
        .bind(now_iso())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_flow_is_seen_only_by_its_user_and_ends_once() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        let flow = Flow {
            id: "flow_1".into(),
            organization_id: "org_a".into(),
            user_id: "user_a".into(),
            intent: "sso".into(),
            slug: "sso".into(),
            started_at: "2026-11-26T00:00:00Z".into(),
            ended_at: None,
            outcome: None,
            snapshot: "{}".into(),
        };
        store.start_flow(&flow).await.unwrap();
        assert_eq!(store.flow("flow_1", "org_a", "user_a").await.unwrap(), Some(flow.clone()));
        assert_eq!(store.flow("flow_1", "org_b", "user_a").await.unwrap(), None);
        assert_eq!(store.flow("flow_1", "org_a", "user_b").await.unwrap(), None);
        assert_eq!(store.recent_flows("org_a", "user_a", 5).await.unwrap(), vec![flow.clone()]);
        assert!(store.recent_flows("org_a", "user_b", 5).await.unwrap().is_empty());
        store.end_flow("flow_1", "completed", "2026-11-26T00:01:00Z").await.unwrap();
        store.end_flow("flow_1", "returned", "2026-11-26T00:02:00Z").await.unwrap();
        let ended = store.flow("flow_1", "org_a", "user_a").await.unwrap().unwrap();
        assert_eq!((ended.outcome.as_deref(), ended.ended_at.as_deref()), (Some("completed"), Some("2026-11-26T00:01:00Z")));
    }

    fn event(id: &str, org: &str, at: &str) -> StoredEvent {
        StoredEvent {
            id: id.into(),
            event: "invitation.created".into(),
            organization_id: Some(org.into()),
            user_id: None,
            created_at: at.into(),
            received_at: at.into(),
            source: "webhook".into(),
            payload: "{}".into(),
        }
    }

    #[tokio::test]
    async fn an_event_is_stored_once_and_paged_newest_first() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        assert!(store.insert_event(&event("event_1", "org_a", "2026-11-26T00:00:01Z")).await.unwrap());
        assert!(!store.insert_event(&event("event_1", "org_a", "2026-11-26T00:00:01Z")).await.unwrap(), "a replay is not new");
        store.insert_event(&event("event_2", "org_a", "2026-11-26T00:00:02Z")).await.unwrap();
        store.insert_event(&event("event_3", "org_b", "2026-11-26T00:00:03Z")).await.unwrap();
        let q = EventQuery { organization_id: Some("org_a".into()), limit: 1, ..Default::default() };
        let first = store.events(&q).await.unwrap();
        assert_eq!(first[0].id, "event_2");
        let next = EventQuery { before: Some((first[0].created_at.clone(), first[0].id.clone())), ..q };
        assert_eq!(store.events(&next).await.unwrap()[0].id, "event_1");
        assert_eq!(store.event_count().await.unwrap(), 3);
        store.set_cursor("events_api", "event_3").await.unwrap();
        store.set_cursor("events_api", "event_4").await.unwrap();
        assert_eq!(store.cursor("events_api").await.unwrap().as_deref(), Some("event_4"));
    }
}
