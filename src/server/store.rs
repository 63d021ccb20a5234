//! What Orgdeck keeps itself (SQLite through sqlx; the migrations in `migrations/`):
//! the Admin Portal flows it started.

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
        let pool = SqlitePoolOptions::new()
            .max_connections(connections)
            .connect_with(options.create_if_missing(true))
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
}
