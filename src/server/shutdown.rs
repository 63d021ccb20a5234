//! Ending well. On SIGTERM (a service manager, a rolling restart) or Ctrl-C:
//! `/ready` answers 503 at once, the listener stops taking connections, the
//! requests under way finish, live streams end with a `retry:` so browsers
//! reconnect (behind a load balancer, to another instance), background work
//! stops and the database pool closes; after `SHUTDOWN_GRACE_SECONDS` the
//! server stops waiting for what has not finished.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// Whether the server is shutting down; every clone sees the same.
#[derive(Clone, Default)]
pub struct Shutdown(CancellationToken);

impl Shutdown {
    /// From now on the server is shutting down.
    pub fn begin(&self) {
        self.0.cancel();
    }

    pub fn begun(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Resolves once the shutdown has begun (at once if it has).
    pub async fn wait(&self) {
        self.0.cancelled().await
    }
}

/// How soon a browser whose live stream ended for a shutdown tries again:
/// soon, since the load balancer already sends it elsewhere.
pub const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Resolves on SIGTERM or Ctrl-C (SIGINT), whichever comes first.
pub async fn signalled() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("Ctrl-C cannot be heard ({e}); SIGTERM still stops the server gracefully");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!("SIGTERM cannot be heard ({e}); Ctrl-C still stops the server gracefully");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_shutdown_begin() {
        let shutdown = Shutdown::default();
        let seen = shutdown.clone();
        assert!(!seen.begun());
        let waiting = tokio::spawn(async move { seen.wait().await });
        shutdown.begin();
        tokio::time::timeout(Duration::from_secs(1), waiting).await.expect("the waiter woke").unwrap();
        assert!(shutdown.begun() && shutdown.clone().begun());
    }
}
