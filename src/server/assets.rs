//! The site's static files: compressed once, ahead of the first browser that
//! asks, and told how long a browser may keep them.
//!
//! The compressed copies are written beside the site, never into it
//! (`target/site` → `target/site.compressed`): cargo-leptos renames every file
//! it finds in the site's `pkg/` when it hashes the next build, so a file
//! Orgdeck left there would break that build. A release build made with
//! `cargo leptos build --release -P` brings its own siblings (leptos_axum's
//! file handler serves them); any other build gets its copies here, at start,
//! in the background. Until a file's are written, the compression layer in
//! the router compresses it on the fly.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::LeptosOptions;

/// What is worth compressing; images and fonts are compressed already.
const TEXT: &[&str] = &["wasm", "js", "mjs", "css", "html", "svg", "json", "txt", "map"];
/// Brotli's best level costs seconds for a multi-megabyte debug WASM; above
/// this size a faster level is used (a release WASM is well under it).
const BEST_UP_TO: u64 = 4 << 20;
/// The encodings kept, best first, with their files' suffixes.
const ENCODINGS: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

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

/// Whether `copy` was made from `source` as it is now (not from an older one).
fn fresh(copy: &Path, source: &Path) -> bool {
    matches!((modified(copy), modified(source)), (Some(at), Some(made)) if at >= made)
}

/// Where the compressed copies of `site_root`'s files live: beside it.
pub fn compressed_root(site_root: &Path) -> PathBuf {
    let name = site_root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    site_root.with_file_name(format!("{name}.compressed"))
}

/// Every file under `root` (recursively) that `keep` accepts.
fn files(root: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// Whether `file` is in the widgets bundle, whose folder is named by its
/// content's hash: its copy is right whenever it exists, however fresh the
/// file looks (cargo-leptos copies `public/`, the bundle, afresh on every
/// build: by date alone each start-up would compress it again). Not
/// cargo-leptos's own hashed names under `pkg/`: it names the WASM and its
/// JS before writing the split modules' hashed names into them, so two
/// builds can give one name different bytes (a kept copy of the WASM then
/// imported a `__wasm_split` file the new build no longer had).
fn named_by_content(root: &Path, file: &Path) -> bool {
    file.strip_prefix(root).is_ok_and(|rel| {
        let rel = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
        rel.starts_with("/widget-host/") && hashed(&rel)
    })
}

/// Copies that no longer match their file (an earlier build's, or a file
/// gone) are removed before the first request, so nobody is served last
/// build's WASM; returns the files that need copies. Stale siblings a
/// precompressing build left in the site itself are removed too (removing
/// one is what cargo-leptos's next hashing needs, not a hindrance).
pub fn remove_stale(root: &Path) -> Vec<PathBuf> {
    let copies = compressed_root(root);
    for copy in files(&copies, |_| true) {
        let original = copy.strip_prefix(&copies).ok().map(|rel| root.join(rel).with_extension(""));
        if !original.is_some_and(|o| fresh(&copy, &o) || (o.is_file() && named_by_content(root, &o))) {
            let _ = fs::remove_file(&copy);
        }
    }
    let mut todo = Vec::new();
    for file in files(root, compressible) {
        let mut done = true;
        for (_, suffix) in ENCODINGS {
            let beside = sibling(&file, suffix);
            let beside_fresh = fresh(&beside, &file);
            if beside.exists() && !beside_fresh {
                let _ = fs::remove_file(&beside);
            }
            let copy = file.strip_prefix(root).map(|rel| sibling(&copies.join(rel), suffix)).unwrap_or_default();
            done &= beside_fresh || fresh(&copy, &file) || (copy.is_file() && named_by_content(root, &file));
        }
        if !done {
            todo.push(file);
        }
    }
    todo
}

/// Writes `file`'s brotli and gzip copies beside the site `root` (its path below `root` kept).
pub fn compress(root: &Path, file: &Path) -> std::io::Result<()> {
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
    let rel = file.strip_prefix(root).map_err(|_| std::io::Error::other("outside the site"))?;
    let base = compressed_root(root).join(rel);
    if let Some(dir) = base.parent() {
        fs::create_dir_all(dir)?;
    }
    // Written beside, then renamed: a request never sees half a file.
    for (suffix, bytes) in [(".br", br), (".gz", gz)] {
        let target = sibling(&base, suffix);
        let partial = sibling(&base, &format!("{suffix}.partial"));
        fs::write(&partial, bytes)?;
        fs::rename(&partial, &target)?;
    }
    Ok(())
}

/// Removes stale copies now and writes the missing ones (what
/// [`precompress`] does, waiting for it).
pub fn precompress_now(root: &Path) {
    for file in &remove_stale(root) {
        if let Err(e) = compress(root, file) {
            tracing::warn!("{} not precompressed ({e}); it is compressed per request instead", file.display());
        }
    }
}

/// Removes stale copies now and writes the missing ones on a thread of its
/// own: not the runtime's blocking pool, whose threads the process waits for
/// as it exits (a SIGTERM during a first start's minute of brotli would have
/// outlived the shutdown grace; found by the rolling restart, tests/deploy.rs).
/// Cut off by the exit, it leaves at most a `.partial` file, never a half copy.
pub fn precompress(root: &Path) {
    let root = root.to_path_buf();
    let spawned = std::thread::Builder::new().name("precompress".into()).spawn(move || precompress_now(&root));
    if let Err(e) = spawned {
        tracing::warn!("the site's files are not precompressed ({e}): they are compressed per request");
    }
}

/// Whether the client's `Accept-Encoding` takes `encoding` (not at `q=0`).
fn accepts(header: &str, encoding: &str) -> bool {
    header.split(',').any(|part| {
        let mut bits = part.split(';').map(str::trim);
        let named = bits.next().is_some_and(|name| name.eq_ignore_ascii_case(encoding));
        let refused = bits.any(|b| b.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0));
        named && !refused
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

/// Serves a content-hashed file's compressed copy when the browser takes
/// its encoding; anything else goes on to the site's file handler. (Only
/// hashed names: they are never revalidated, so no conditional requests.)
pub async fn serve_compressed(State(site_root): State<std::sync::Arc<Path>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let wanted = matches!(*request.method(), Method::GET | Method::HEAD)
        && (path.starts_with("/pkg/") || path.starts_with("/widget-host/"))
        && hashed(path)
        && !path.split('/').any(|segment| segment == "..");
    if wanted {
        let accept = request.headers().get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let root: &Path = &site_root;
        let (original, copies) = (root.join(&path[1..]), compressed_root(root).join(&path[1..]));
        for (encoding, suffix) in ENCODINGS {
            let copy = sibling(&copies, suffix);
            // Made from this file: a bundle file's copy whenever both exist, any other only when newer.
            let made_from_it = match named_by_content(root, &original) {
                true => original.is_file() && copy.is_file(),
                false => fresh(&copy, &original),
            };
            if !accepts(accept, encoding) || !made_from_it {
                continue;
            }
            let Ok(bytes) = tokio::fs::read(&copy).await else { continue };
            let body = if request.method() == Method::HEAD { Body::empty() } else { Body::from(bytes) };
            let mut response = Response::new(body);
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
            headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
            return response;
        }
    }
    next.run(request).await
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
pub const PRIVATE: &str = "no-store";

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
    fn start_up_writes_its_copies_beside_the_site_never_into_it() {
        let base = std::env::temp_dir().join(format!("orgdeck-assets-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let site = base.join("site");
        let copies = compressed_root(&site);
        assert_eq!(copies, base.join("site.compressed"));
        fs::create_dir_all(site.join("pkg")).unwrap();
        fs::create_dir_all(copies.join("pkg")).unwrap();
        let js = site.join("pkg/app.js");
        // An earlier build's copies: of this file before it changed, and of a file now gone.
        fs::write(copies.join("pkg/app.js.br"), b"last build").unwrap();
        fs::write(copies.join("pkg/gone.js.br"), b"last build").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&js, "console.log('hello');\n".repeat(100)).unwrap();
        fs::write(site.join("logo.png"), b"\x89PNG").unwrap();
        let listing = |dir: &Path| {
            let mut all: Vec<_> = files(dir, |_| true).into_iter().map(|f| (f.clone(), fs::read(&f).unwrap())).collect();
            all.sort();
            all
        };
        let before = listing(&site);

        assert_eq!(remove_stale(&site), vec![js.clone()], "only the text file, and only because it changed");
        assert!(!copies.join("pkg/app.js.br").exists() && !copies.join("pkg/gone.js.br").exists(), "stale copies go before any request");
        precompress_now(&site);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut fs::read(copies.join("pkg/app.js.br")).unwrap().as_slice(), &mut out).unwrap();
        assert_eq!(out, fs::read(&js).unwrap());
        assert!(copies.join("pkg/app.js.gz").exists());
        assert!(remove_stale(&site).is_empty(), "nothing left to do");
        assert_eq!(listing(&site), before, "start-up wrote nothing into the site");
        // A content-hashed file copied afresh by the next build keeps its copy.
        let bundle = site.join("widget-host/Xk3_9aQ2-pLmN0rS/host.js");
        fs::create_dir_all(bundle.parent().unwrap()).unwrap();
        fs::write(&bundle, "export {};\n".repeat(50)).unwrap();
        precompress_now(&site);
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&bundle, "export {};\n".repeat(50)).unwrap();
        assert!(remove_stale(&site).is_empty(), "the same name, the same bytes: nothing to redo");
        assert!(copies.join("widget-host/Xk3_9aQ2-pLmN0rS/host.js.br").exists());
        let before = listing(&site);
        precompress_now(&site);
        // What cargo-leptos hashes next time is exactly what its build wrote.
        assert_eq!(listing(&site), before, "start-up wrote nothing into the site");
        // cargo-leptos's hashed names are not: the next build may write other bytes under the same one.
        let wasm = site.join("pkg/orgdeck.xWq3k1ZfTd0-aB9y_QeR1A.wasm");
        fs::write(&wasm, b"\0asm imports __wasm_split.A.js").unwrap();
        precompress_now(&site);
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&wasm, b"\0asm imports __wasm_split.B.js").unwrap();
        assert_eq!(remove_stale(&site), vec![wasm.clone()], "a pkg/ file rewritten under its name is compressed again");
        assert!(!copies.join("pkg/orgdeck.xWq3k1ZfTd0-aB9y_QeR1A.wasm.br").exists(), "and its old copy is gone first");
        let _ = fs::remove_dir_all(&base);
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("br;q=1.0, gzip;q=0.8", "gzip"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("", "gzip"));
    }
}
