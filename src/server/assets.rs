//! The site's static files: compressed once, ahead of the first browser that
//! asks (leptos_axum's file handler serves a `.br` or `.gz` sibling when the
//! browser accepts it), and told how long a browser may keep them.
//!
//! A release build made with `cargo leptos build --release -P` arrives with its
//! siblings; a debug build or a fresh `public/` copy gets them here, at start,
//! in the background. Until a file's are written, the compression layer in
//! the router compresses it on the fly.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::LeptosOptions;

/// What is worth compressing; images and fonts are compressed already.
const TEXT: &[&str] = &["wasm", "js", "mjs", "css", "html", "svg", "json", "txt", "map"];
/// Brotli's best level costs seconds for a multi-megabyte debug WASM; above
/// this size a faster level is used (a release WASM is well under it).
const BEST_UP_TO: u64 = 4 << 20;

fn compressible(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| TEXT.contains(&e))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Every compressible file under `root` (recursively).
fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if compressible(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// Siblings older than their file describe an earlier build: they go now,
/// before the first request, so nobody is served last build's WASM.
pub fn remove_stale(root: &Path) -> Vec<PathBuf> {
    let mut todo = Vec::new();
    for file in files(root) {
        let source = modified(&file);
        let mut fresh = true;
        for suffix in [".br", ".gz"] {
            let compressed = sibling(&file, suffix);
            match modified(&compressed) {
                Some(at) if Some(at) >= source => {}
                Some(_) => {
                    let _ = fs::remove_file(&compressed);
                    fresh = false;
                }
                None => fresh = false,
            }
        }
        if !fresh {
            todo.push(file);
        }
    }
    todo
}

fn compress(file: &Path) -> std::io::Result<()> {
    let raw = fs::read(file)?;
    let quality = if raw.len() as u64 <= BEST_UP_TO { 11 } else { 6 };
    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 22, ..Default::default() };
        let mut writer = brotli::CompressorWriter::with_params(&mut br, 64 * 1024, &params);
        writer.write_all(&raw)?;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw)?;
    let gz = gz.finish()?;
    // Written beside, then renamed: a request never sees half a file.
    for (suffix, bytes) in [(".br", br), (".gz", gz)] {
        let target = sibling(file, suffix);
        let partial = sibling(file, &format!("{suffix}.partial"));
        fs::write(&partial, bytes)?;
        fs::rename(&partial, &target)?;
    }
    Ok(())
}

/// Removes stale siblings now and writes the missing ones on a blocking
/// thread. A read-only site (its siblings made at build time, or none) is
/// served as it is, compressed on the fly.
pub fn precompress(root: &Path) {
    let todo = remove_stale(root);
    tokio::task::spawn_blocking(move || {
        for file in &todo {
            if let Err(e) = compress(file) {
                tracing::warn!("{} not precompressed ({e}); it is compressed per request instead", file.display());
            }
        }
    });
}

/// The widgets bundle's address, from the manifest widgets/build.mjs writes
/// beside its hash-named folder. Without one, an address that answers 404,
/// so the widget page says the widget could not load.
pub fn widget_bundle(site_root: &Path) -> String {
    #[derive(serde::Deserialize)]
    struct Manifest {
        dir: String,
    }
    let path = site_root.join("widget-host").join("manifest.json");
    match fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Manifest>(&b).ok()) {
        Some(m) if !m.dir.is_empty() && url_safe(&m.dir) => {
            format!("/widget-host/{}/host.js", m.dir)
        }
        _ => {
            tracing::warn!("{} is missing or unreadable: widget pages cannot load the widgets (run `make build`)", path.display());
            "/widget-host/missing/host.js".into()
        }
    }
}

/// Where cargo-leptos wrote this build's content hashes (`hash-files`): beside
/// the server binary, as leptos's `HydrationScripts` and `HashedStylesheet` look for it.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join(&*options.hash_file))
}

/// Turns hashed names on when the build made them, whatever `LEPTOS_HASH_FILES`
/// says: a binary started by hand (or by the test suites) would otherwise link
/// `/pkg/orgdeck.wasm`, which a hashing build never writes.
pub fn use_hashed_names(options: &mut LeptosOptions) {
    let exists = hash_file(options).is_some_and(|f| f.exists());
    if options.hash_files && !exists {
        tracing::warn!("LEPTOS_HASH_FILES is set but no {} is beside the server: the pages link unhashed names", options.hash_file);
    }
    options.hash_files = options.hash_files || exists;
}

/// The stylesheet's address, as `HashedStylesheet` writes it, for the pages
/// rendered outside Leptos.
pub fn stylesheet(options: &LeptosOptions) -> String {
    let hash = match options.hash_files {
        true => hash_file(options)
            .and_then(|f| fs::read_to_string(f).ok())
            .and_then(|text| text.lines().find_map(|l| l.trim().strip_prefix("css:").map(|h| h.trim().to_string()))),
        false => None,
    };
    let name = match hash {
        Some(h) if url_safe(&h) => format!("{}.{h}.css", options.output_name),
        _ => format!("{}.css", options.output_name),
    };
    format!("/{}/{name}", options.site_pkg_dir)
}

/// Hashed names (`orgdeck.<hash>.wasm`, `widget-host/<hash>/host.js`) never change content: a year.
/// Other static files are checked with the server each time (an unchanged
/// file costs a 304, not its bytes). Everything else (pages, server
/// functions, widget tokens, sign-in) is one user's and is never kept by a
/// cache: `no-store`, whatever its status.
/// A middleware rather than tower-http's `SetResponseHeaderLayer`: the value
/// depends on the request's path, which that layer does not see.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let policy = match path {
        p if p.starts_with("/pkg/") || p.starts_with("/widget-host/") => match hashed(p) {
            true => Some("public, max-age=31536000, immutable"),
            false => Some("no-cache"),
        },
        "/favicon.ico" => None,
        _ => Some(PRIVATE),
    };
    let mut response = next.run(request).await;
    if let Some(value) = policy {
        let applies = value == PRIVATE || response.status().is_success();
        if applies && !response.headers().contains_key(CACHE_CONTROL) {
            response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
        }
    }
    response
}

/// What no cache, shared or the browser's, may keep.
const PRIVATE: &str = "no-store";

/// Letters, digits, `-` and `_`: base64url, as both content hashes are written.
fn url_safe(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `name.<hash>.ext` (cargo-leptos's hash-files) or a file in a folder named
/// by its hash (the widgets bundle).
fn hashed(path: &str) -> bool {
    let is_hash = |s: &str| s.len() >= 16 && url_safe(s);
    let mut segments: Vec<&str> = path.split('/').collect();
    let name = segments.pop().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    (parts.len() >= 3 && is_hash(parts[parts.len() - 2])) || segments.last().is_some_and(|dir| is_hash(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_names_are_kept_for_a_year() {
        assert!(hashed("/pkg/orgdeck.xWq3k1ZfTd0-aB9y_QeR1A.wasm"));
        // A lazy island's own WASM and the loader `--split` writes.
        assert!(hashed("/pkg/split_lab_bench_loader_17254416902900128117.nqz1QpM69ITs495s4oLRoQ.wasm"));
        assert!(hashed("/pkg/__wasm_split.P-SbF-4_hcULrjzC8UiRzg.js"));
        assert!(hashed("/widget-host/Xk3_9aQ2-pLmN0rS/host.js"));
        assert!(!hashed("/widget-host/host.5ZQ2JHKD.js"), "too short to be a content hash");
        assert!(!hashed("/pkg/orgdeck.wasm"));
        assert!(!hashed("/widget-host/host.js"));
        assert!(!hashed("/pkg/orgdeck.min.js"));
    }

    #[test]
    fn a_stale_sibling_goes_and_a_fresh_one_is_written() {
        let dir = std::env::temp_dir().join(format!("orgdeck-assets-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pkg")).unwrap();
        let js = dir.join("pkg/app.js");
        fs::write(dir.join("pkg/app.js.br"), b"last build").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&js, "console.log('hello');\n".repeat(100)).unwrap();
        fs::write(dir.join("logo.png"), b"\x89PNG").unwrap();
        let todo = remove_stale(&dir);
        assert_eq!(todo, vec![js.clone()], "only the text file, and only because it changed");
        assert!(!dir.join("pkg/app.js.br").exists(), "the stale sibling is gone before any request");
        compress(&js).unwrap();
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut fs::read(dir.join("pkg/app.js.br")).unwrap().as_slice(), &mut out).unwrap();
        assert_eq!(out, fs::read(&js).unwrap());
        assert!(remove_stale(&dir).is_empty(), "nothing left to do");
        let _ = fs::remove_dir_all(&dir);
    }
}
