//! PostgreSQL stopped and started again while `samvirke serve` runs: requests that need the
//! database get 503 with `Retry-After` during the outage, answers from memory go on, and after it
//! the same server answers again without a restart.
//!
//! The test runs its own PostgreSQL cluster (Debian's `initdb` and `pg_ctl`, in a temporary
//! directory, on a free port) so that stopping it disturbs no other test.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");

/// Debian's PostgreSQL programs (`/usr/lib/postgresql/VERSION/bin`).
fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/test installs it)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb under /usr/lib/postgresql")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a PostgreSQL program as the `postgres` user when this test runs as root (PostgreSQL
/// refuses to run as root), else as the current user.
fn pg(program: &str, args: &[&str]) {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let path = pg_bin().join(program);
    let mut command = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&path);
        c
    } else {
        Command::new(&path)
    };
    let out = command.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A cluster of its own, stopped when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        // The postgres user must own the directory when the test runs as root.
        let _ = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .output();
        let data = dir.path().join("data");
        pg(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        let cluster = Cluster {
            dir,
            port: free_port(),
        };
        cluster.up();
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").to_string_lossy().into_owned();
        pg(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    fn down(&self) {
        pg("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| self.down());
    }
}

/// A server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET `path` on `port`: the status and the whole response (headers and body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: da\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

fn samvirke(db: &str, args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn postgresql_restarted_while_the_server_runs() {
    let cluster = Cluster::start();
    let url = cluster.url();
    let work = tempfile::tempdir().unwrap();
    let imported = samvirke(&url, &["import", EXAMPLES], work.path());
    assert!(imported.status.success(), "{imported:?}");
    let port = free_port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_samvirke"))
            .arg("--db")
            .arg(&url)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("SAMVIRKE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let history = "/api/v1/cooperations/dragoer-taarnby/history?limit=1";
    let page = "/cooperations/dragoer-taarnby/history";
    let who = "/api/v1/who?municipality=DK-0155&service=genoptraening-sel86&on=2021-08-31";
    assert_eq!(get(port, history).0, 200);

    cluster.down();
    let (status, response) = get(port, history);
    assert_eq!(status, 503, "{response}");
    assert!(
        response.to_lowercase().contains("retry-after: 5"),
        "{response}"
    );
    assert!(
        response.contains("\"status\":503") && response.contains("cannot be reached"),
        "{response}"
    );
    let (status, response) = get(port, page);
    assert_eq!(status, 503, "{response}");
    assert!(
        response.contains("Databasen kan ikke nås lige nu"),
        "the page says it in the reader's language: {response}"
    );
    assert_eq!(get(port, who).0, 200, "answers from memory go on");

    cluster.up();
    let back = Instant::now();
    loop {
        let (status, response) = get(port, history);
        if status == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "still {status} after the database came back: {response}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(get(port, page).0, 200);
}
