//! `registry sync` / `registry status` against a real HTTP server on a random loopback port
//! serving `../shared/registry` (or `$LWM2M_REGISTRY`), and against the directory itself.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use lwm2m_registry::{FileError, Lock, Source, SyncError, SyncOptions, sync, verify};

fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/registry"))
}

/// A minimal HTTP/1.1 static file server over `root` on a random loopback port (one request
/// per connection); `tampered` paths are served with other bytes, unknown paths get 404.
struct Server {
    addr: SocketAddr,
    url: String,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf, tampered: HashMap<String, Vec<u8>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let _ = serve(&mut conn, &root, &tampered);
            }
        });
        Server {
            addr,
            url: format!("http://{addr}/registry/"),
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn source(&self) -> Source {
        Source::parse(&self.url)
    }
}

fn serve(
    conn: &mut TcpStream,
    root: &Path,
    tampered: &HashMap<String, Vec<u8>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.ends_with(b"\r\n\r\n") {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split(' ').nth(1).unwrap_or("/");
    let rel = target.trim_start_matches('/');
    let rel = rel.strip_prefix("registry/").unwrap_or(rel);
    let body = match tampered.get(rel) {
        Some(b) => Some(b.clone()),
        None if rel.contains("..") => None,
        None => std::fs::read(root.join(rel)).ok(),
    };
    let mut out = match &body {
        Some(b) => format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", b.len()),
        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n".to_owned(),
    }
    .into_bytes();
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(body.as_deref().unwrap_or_default());
    conn.write_all(&out)
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wake the accept loop
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn options() -> SyncOptions {
    let mut o = SyncOptions::default();
    o.progress = false;
    o
}

fn lwm2m(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lwm2m"))
        .arg("registry")
        .args(args)
        .output()
        .expect("run lwm2m");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn fresh_sync_verifies_all_then_resumes_and_repairs() {
    let lock = Lock::pinned();
    let server = Server::start(registry(), HashMap::new());
    let store = tempfile::tempdir().unwrap();

    let first = sync(&server.source(), store.path(), &lock, &options()).expect("fresh sync");
    assert_eq!(first.fetched.len(), lock.entries.len());
    assert!(first.up_to_date.is_empty() && first.replaced.is_empty() && !first.recorded);
    assert_eq!(server.requests(), lock.entries.len());
    assert!(verify(store.path(), &lock).unwrap().is_clean());

    // Resumable: nothing is fetched again.
    let second = sync(&server.source(), store.path(), &lock, &options()).expect("second sync");
    assert!(second.fetched.is_empty());
    assert_eq!(second.up_to_date.len(), lock.entries.len());
    assert_eq!(server.requests(), lock.entries.len());

    // A corrupted file and a deleted one are fetched again, and only they.
    std::fs::write(store.path().join("3303.xml"), b"<LWM2M>corrupt</LWM2M>").unwrap();
    std::fs::remove_file(store.path().join("version_history/3-1_1.xml")).unwrap();
    let third = sync(&server.source(), store.path(), &lock, &options()).expect("repair");
    assert_eq!(third.fetched, ["3303.xml", "version_history/3-1_1.xml"]);
    assert_eq!(third.replaced, ["3303.xml"]);
    assert_eq!(server.requests(), lock.entries.len() + 2);
    assert!(verify(store.path(), &lock).unwrap().is_clean());
}

#[test]
fn tampered_file_is_a_typed_hash_mismatch_and_good_files_are_kept() {
    let lock = Lock::pinned();
    let tampered = HashMap::from([("3303.xml".to_owned(), b"<LWM2M>evil</LWM2M>".to_vec())]);
    let server = Server::start(registry(), tampered);
    let store = tempfile::tempdir().unwrap();

    let err = sync(&server.source(), store.path(), &lock, &options()).unwrap_err();
    assert!(matches!(err, SyncError::Incomplete { .. }), "{err}");
    let [
        FileError::HashMismatch {
            path,
            expected,
            actual,
        },
    ] = err.failures()
    else {
        panic!("expected one hash mismatch, got {err}");
    };
    assert_eq!(path, "3303.xml");
    assert_eq!(expected, &lock.entry("3303.xml").unwrap().sha256);
    assert_ne!(expected, actual);
    assert!(err.to_string().contains("3303.xml"), "{err}");
    assert!(
        !store.path().join("3303.xml").exists(),
        "bad bytes never reach the store"
    );
    let status = verify(store.path(), &lock).unwrap();
    assert_eq!(status.missing, ["3303.xml"]);
    assert_eq!(status.ok, lock.entries.len() - 1);

    // The command line reports it too, naming the file, with exit status 1.
    let (code, _, stderr) = lwm2m(&[
        "sync",
        "--from",
        &server.url,
        "--store",
        path_str(store.path()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("3303.xml: sha256 mismatch"), "{stderr}");
}

#[test]
fn missing_file_on_the_server_is_a_typed_http_error() {
    let lock = Lock::pinned();
    let dir = tempfile::tempdir().unwrap();
    // A mirror with only the schemas: everything else is 404.
    for f in ["LWM2M.xsd", "LWM2M-v1_1.xsd"] {
        std::fs::copy(registry().join(f), dir.path().join(f)).unwrap();
    }
    let server = Server::start(dir.path().to_owned(), HashMap::new());
    let store = tempfile::tempdir().unwrap();
    let err = sync(&server.source(), store.path(), &lock, &options()).unwrap_err();
    assert_eq!(err.failures().len(), lock.entries.len() - 2);
    assert!(
        err.failures()
            .iter()
            .all(|f| matches!(f, FileError::HttpStatus { status: 404, .. }))
    );
}

#[test]
fn directory_source_and_status() {
    let store = tempfile::tempdir().unwrap();
    let (reg, st) = (registry(), store.path());
    let (code, stdout, stderr) =
        lwm2m(&["sync", "--from", path_str(&reg), "--store", path_str(st)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("756 fetched") && stdout.contains("all verified"),
        "{stdout}"
    );

    let (code, stdout, _) = lwm2m(&["status", "--store", path_str(st)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("756 ok, 0 missing, 0 changed, 0 extra"),
        "{stdout}"
    );

    let file = st.join("version_history/3303-1_0.xml");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\n<!-- edited -->\n");
    std::fs::write(&file, bytes).unwrap();
    let (code, stdout, _) = lwm2m(&["status", "--store", path_str(st)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("1 changed"), "{stdout}");
    assert!(
        stdout.contains("changed  version_history/3303-1_0.xml"),
        "{stdout}"
    );

    let (code, stdout, _) = lwm2m(&["status", "--store", path_str(st), "--json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["clean"], false);
    assert_eq!(json["commit"], "b62ffc2");
    assert_eq!(json["report"]["ok"], 755);
    assert_eq!(
        json["report"]["changed"][0]["path"],
        "version_history/3303-1_0.xml"
    );

    // The library sees the same through the directory source: only that file is copied back.
    let report = sync(&Source::Dir(reg), st, &Lock::pinned(), &options()).unwrap();
    assert_eq!(report.fetched, ["version_history/3303-1_0.xml"]);
}

#[test]
fn update_lock_records_what_the_server_serves() {
    let pinned = Lock::pinned();
    let server = Server::start(registry(), HashMap::new());

    // No lock entries: the file list comes from DDF.xml plus the fixed extra files.
    let store = tempfile::tempdir().unwrap();
    let report = sync(&server.source(), store.path(), &Lock::default(), &options()).unwrap();
    assert!(report.recorded);
    let ddf = lwm2m_registry::ddf_file_list(&std::fs::read(registry().join("DDF.xml")).unwrap());
    assert_eq!(report.lock.entries.len(), ddf.len());
    assert!(
        report
            .lock
            .entries
            .iter()
            .any(|e| e.path == "version_history/0-1_0.xml")
    );
    for e in &report.lock.entries {
        assert_eq!(
            Some(e),
            pinned.entry(&e.path),
            "recorded entry differs from the pin"
        );
    }

    // With the old lock: DDF.xml's list plus every old path, recorded into a lock file.
    let store = tempfile::tempdir().unwrap();
    let lock_file = store.path().join("new.lock");
    std::fs::write(&lock_file, pinned.to_text()).unwrap();
    let (code, stdout, stderr) = lwm2m(&[
        "sync",
        "--from",
        &server.url,
        "--store",
        path_str(store.path()),
        "--update-lock",
        "--lock",
        path_str(&lock_file),
        "--commit",
        "b62ffc2",
        "--date",
        "2024-02-22",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("wrote"), "{stdout}");
    let written = Lock::read(&lock_file).unwrap();
    assert_eq!(written.entries, pinned.entries);
    assert_eq!(written.header.commit, "b62ffc2");
}
