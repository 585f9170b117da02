//! `tebiki serve` as a user runs it: the folder it picks is private, every
//! build message reaches the terminal and the open pages, and it answers
//! only to loopback host names.

mod common;

use common::{TODAY, content_copy};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills the server when the test ends, however it ends.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `tebiki serve` on a free port; returns it, its address and the
/// folder it builds into (from its first lines of output).
fn serve(args: &[&str]) -> (Serve, String, String, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args([
            "serve",
            "--port",
            "0",
            "--exit-after",
            "60",
            "--today",
            TODAY,
        ])
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tebiki serve");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut s);
        let _ = tx.send(s);
    });
    let server = Serve(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut addr = String::new();
    let out = loop {
        let l = lines
            .next()
            .and_then(Result::ok)
            .expect("tebiki serve output");
        if let Some(u) = l.strip_prefix("Serving the help site at http://") {
            addr = u.split('/').next().unwrap().to_string();
        }
        if let Some(o) = l.trim().strip_prefix("building into ") {
            break o.to_string();
        }
    };
    (server, addr, out, rx)
}

fn get(addr: &str, path: &str, host: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn serve_picks_a_private_folder_and_shows_every_message() {
    let (_tmp, content) = content_copy();
    let clinics = content.join("clinics");
    std::fs::write(clinics.join("broken.yaml"), "name: [x\n").unwrap();
    std::fs::write(clinics.join("second.yaml"), "name: a\nname: b\n").unwrap();
    let (server, addr, out, stderr) = serve(&["--content", content.to_str().unwrap()]);
    // The folder is new, unpredictable and only the user's.
    let name = std::path::Path::new(&out)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("tebiki-serve-") && name.len() > "tebiki-serve-".len() + 3,
        "{out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{out}");
    }
    // Both failed files, with their messages, on the open pages…
    let status = get(&addr, "/__tebiki/status", &addr);
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(status.contains("2 clinic(s) failed"), "{status}");
    assert!(status.contains("broken.yaml:1"), "{status}");
    assert!(status.contains("duplicate key `name`"), "{status}");
    let dash = get(&addr, "/clinics/index.html", &addr);
    assert!(
        dash.contains("broken.yaml") && dash.contains("second.yaml"),
        "{dash}"
    );
    // …and answered only under loopback names.
    let port = addr.rsplit(':').next().unwrap();
    let rebound = get(
        &addr,
        "/clinics/index.html",
        &format!("attacker.example:{port}"),
    );
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    drop(server);
    // …and in the terminal.
    let err = stderr.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(err.contains("broken.yaml:1"), "{err}");
    assert!(err.contains("duplicate key `name`"), "{err}");
}
