//! Helpers for the end-to-end and interop tests: child processes that are killed on drop and
//! whose output is matched with deadlines, and the independent peers they need.
#![allow(dead_code)]

pub(crate) mod dtls;
pub(crate) mod server;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// The `lwm2m` binary under test.
pub(crate) const LWM2M: &str = env!("CARGO_BIN_EXE_lwm2m");

/// A running child process: stdout and stderr are collected into one transcript that
/// [`Proc::expect_line`] searches from a cursor; stdin stays open until drop. Killed on drop.
pub(crate) struct Proc {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    chunks: UnboundedReceiver<String>,
    text: String,
    cursor: usize,
    closed: bool,
}

impl Proc {
    /// Starts `cmd` with piped stdin, stdout and stderr. A missing program fails with `hint`.
    pub(crate) fn spawn(name: &str, cmd: &mut Command, hint: &str) -> Proc {
        let mut child = match cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!("{name}: {:?} not found: {hint}", cmd.get_program())
            }
            Err(e) => panic!("{name}: cannot start {cmd:?}: {e}"),
        };
        let (tx, chunks) = unbounded_channel();
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("piped stdout"));
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("piped stderr"));
        for mut pipe in [out, err] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0
                        || tx
                            .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                            .is_err()
                    {
                        break;
                    }
                }
            });
        }
        Proc {
            name: name.to_string(),
            stdin: child.stdin.take(),
            child,
            chunks,
            text: String::new(),
            cursor: 0,
            closed: false,
        }
    }

    /// Everything the process printed so far.
    pub(crate) fn transcript(&self) -> &str {
        &self.text
    }

    /// Writes one line to stdin.
    pub(crate) fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("{}: writing {line:?}: {e}\n{}", self.name, self.text));
    }

    /// Waits until a complete line after the cursor contains `needle`; returns the rest of that
    /// line after `needle` and moves the cursor past it.
    pub(crate) async fn expect_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.text[self.cursor..].find(needle) {
                let from = self.cursor + i + needle.len();
                if let Some(nl) = self.text[from..].find('\n') {
                    let rest = self.text[from..from + nl].trim_end().to_string();
                    self.cursor = from + nl + 1;
                    return rest;
                }
            }
            self.more(deadline, needle).await;
        }
    }

    /// Waits until `needle` appears after the cursor (no newline needed, e.g. a prompt) and
    /// moves the cursor past it.
    pub(crate) async fn expect(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.text[self.cursor..].find(needle) {
                self.cursor += i + needle.len();
                return;
            }
            self.more(deadline, needle).await;
        }
    }

    /// Sends SIGINT (what Ctrl-C does), e.g. to make `lwm2m client` de-register and exit.
    pub(crate) fn interrupt(&mut self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(status.success(), "kill -INT {}: {status}", self.name);
    }

    /// Waits for the process to exit; returns whether it succeeded.
    pub(crate) async fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Collect the rest of the output.
                while !self.closed {
                    self.more(deadline, "end of output").await;
                }
                return status.success();
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit within {timeout:?}; output:\n{}",
                self.name,
                self.text
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn more(&mut self, deadline: Instant, waiting_for: &str) {
        let left = deadline.saturating_duration_since(Instant::now());
        if self.closed {
            if let Ok(Some(status)) = self.child.try_wait() {
                if waiting_for != "end of output" {
                    panic!(
                        "{} exited ({status}) before printing {waiting_for:?}; output:\n{}",
                        self.name, self.text
                    );
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            assert!(
                !left.is_zero(),
                "{}: no {waiting_for:?}; output:\n{}",
                self.name,
                self.text
            );
            return;
        }
        match tokio::time::timeout(left, self.chunks.recv()).await {
            Ok(Some(chunk)) => self.text.push_str(&chunk),
            Ok(None) => self.closed = true,
            Err(_) => panic!(
                "{}: no {waiting_for:?} within the time limit; output:\n{}",
                self.name, self.text
            ),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback UDP port that was free a moment ago (for peers that cannot report theirs).
pub(crate) fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// The pinned lwm2m-node-lib version.
pub(crate) const NODE_LIB_VERSION: &str = "1.4.0";

/// The directory whose `node_modules` holds lwm2m-node-lib 1.4.0: `$LWM2M_NODE_PEER`, or one
/// under the target directory that `.ci/install-peers` fills (installed here with npm if
/// missing). Fails with instructions when it cannot be had.
pub(crate) fn node_peer() -> PathBuf {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let dir = std::env::var_os("LWM2M_NODE_PEER").map_or_else(
        || {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("lwm2m-node-lib-{NODE_LIB_VERSION}"))
        },
        PathBuf::from,
    );
    let manifest = dir.join("node_modules/lwm2m-node-lib/package.json");
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !manifest.exists() {
        let out = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("lwm2m-node-lib@{NODE_LIB_VERSION}"))
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!(
                "npm install lwm2m-node-lib@{NODE_LIB_VERSION} into {} failed (run .ci/install-peers):\n{}",
                dir.display(),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!(
                "lwm2m-node-lib is not installed in {} and npm cannot run ({e}): install Node.js and npm, then run .ci/install-peers",
                dir.display()
            ),
        }
    }
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|e| panic!("reading {}: {e}", manifest.display()));
    let version = format!("\"version\": \"{NODE_LIB_VERSION}\"");
    assert!(
        text.contains(&version),
        "{} is not lwm2m-node-lib {NODE_LIB_VERSION}",
        manifest.display()
    );
    dir
}

/// Starts one of the command-line wrappers in `../shared/peers/node/` (`lwm2m-node-server.js`,
/// `lwm2m-node-client.js`) with `env`.
pub(crate) fn node_cli(script: &str, env: &[(&str, &str)]) -> Proc {
    let peer = node_peer();
    let wrappers = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/node");
    let path = wrappers.join(script);
    assert!(
        path.exists(),
        "{} is missing (the shared peers directory)",
        path.display()
    );
    let mut cmd = Command::new("node");
    cmd.arg(&path)
        .env("NODE_PATH", peer.join("node_modules"))
        .env("LWM2M_LOG", "FATAL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Proc::spawn(
        script,
        &mut cmd,
        "install Node.js (Debian: apt-get install -y nodejs npm)",
    )
}

/// Starts the `lwm2m` binary with `args`.
pub(crate) fn lwm2m(name: &str, args: &[&str]) -> Proc {
    Proc::spawn(
        name,
        Command::new(LWM2M).args(args),
        "build the lwm2m binary",
    )
}

/// Starts `lwm2m client --server SERVER --endpoint ENDPOINT` followed by `extra`.
pub(crate) fn lwm2m_client(server: &str, endpoint: &str, extra: &[&str]) -> Proc {
    let mut args = vec!["client", "--server", server, "--endpoint", endpoint];
    args.extend_from_slice(extra);
    lwm2m("lwm2m client", &args)
}

/// Runs the `lwm2m` binary with `args` to its end: whether it succeeded, and its stderr followed
/// by its stdout.
pub(crate) fn run_lwm2m(args: &[&str]) -> (bool, String) {
    let out = Command::new(LWM2M).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.success(), text)
}
