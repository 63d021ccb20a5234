//! Server-only code (the `ssr` feature).
