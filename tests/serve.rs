//! `tebiki serve` as a user (and an attacker) meets it: it serves only its
//! folder and only under loopback host names, the folder it picks is
//! private, every build message reaches the terminal and the open pages, and
//! neither live-reload streams nor slow clients lock pages out. One test per
//! finding of issue 11 (SECURITY.md), each run against the old server too.

mod common;

use common::{Serve, content_copy, http_get_host, serve};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A server on a copy of the bundled content (plus `extra` arguments).
fn serve_copy(extra: &[&str]) -> (tempfile::TempDir, Serve) {
    let (tmp, content) = content_copy();
    let mut args = vec!["--content", content.to_str().unwrap()];
    args.extend(extra);
    let server = serve(&args);
    (tmp, server)
}

/// The folder the server says it builds into.
fn building_into(server: &mut Serve) -> String {
    let l = server
        .wait_line(Duration::from_secs(60), |l| {
            l.trim().starts_with("building into ")
        })
        .expect("the folder it builds into");
    l.trim().trim_start_matches("building into ").to_string()
}

/// The status line of a response.
fn status_line(response: &str) -> &str {
    response.lines().next().unwrap_or("(no answer)")
}

/// Issue 11, critical: a path segment that starts with `/` after a mount was
/// joined as an absolute path, so any file on the machine was served.
#[test]
fn serve_returns_no_file_outside_its_folder() {
    let (_tmp, server) = serve_copy(&[]);
    let addr = server.addr().to_string();
    for path in [
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/clinics/%2Fetc%2Fpasswd",
        "/clinics/%2Fproc%2Fself%2Fenviron",
        "/../../../../etc/passwd",
        "/clinics/..%2f..%2f..%2f..%2fetc%2fpasswd",
    ] {
        let (code, body) = http_get_host(&addr, path, &addr);
        assert!(
            !body.contains("root:x:0") && !body.contains("PATH="),
            "{path} escaped the folder: {}",
            status_line(&body)
        );
        assert!(code == 400 || code == 403 || code == 404, "{path}: {code}");
    }
}

/// Issue 11, high: any Host header was answered, so a web page could reach
/// the server by DNS rebinding and read every guide.
#[test]
fn serve_answers_only_loopback_host_names() {
    let (_tmp, server) = serve_copy(&[]);
    let addr = server.addr().to_string();
    let port = addr.rsplit(':').next().unwrap();
    let (code, rebound) = http_get_host(
        &addr,
        "/clinics/index.html",
        &format!("attacker.example:{port}"),
    );
    assert_eq!(
        code,
        421,
        "a request for attacker.example was answered: {} ({} bytes)",
        status_line(&rebound),
        rebound.len()
    );
    for host in [addr.clone(), format!("localhost:{port}")] {
        let (code, page) = http_get_host(&addr, "/clinics/index.html", &host);
        assert_eq!(code, 200, "{host}: {}", status_line(&page));
    }
}

/// Issue 11, medium: serve showed only "1 failed", never the messages.
/// Every failed clinic file, with its message, is in the terminal and on
/// the open pages.
#[test]
fn serve_shows_every_message_in_the_terminal_and_the_page() {
    let (_tmp, content) = content_copy();
    let clinics = content.join("clinics");
    std::fs::write(clinics.join("broken.yaml"), "name: [x\n").unwrap();
    std::fs::write(clinics.join("second.yaml"), "name: a\nname: b\n").unwrap();
    let mut server = serve(&["--content", content.to_str().unwrap()]);
    let addr = server.addr().to_string();
    let (code, status) = http_get_host(&addr, "/__tebiki/status", &addr);
    let (_, dash) = http_get_host(&addr, "/clinics/index.html", &addr);
    // The first build ran before the server said where it serves.
    let terminal = server.stop().join("\n");
    for needle in ["broken.yaml:1", "duplicate key `name`"] {
        assert!(
            terminal.contains(needle),
            "the terminal does not show {needle:?}:\n{terminal}"
        );
    }
    assert_eq!(code, 200, "{status}");
    assert!(status.contains("2 clinic(s) failed"), "{status}");
    assert!(status.contains("broken.yaml:1"), "{status}");
    assert!(status.contains("duplicate key `name`"), "{status}");
    assert!(
        dash.contains("broken.yaml") && dash.contains("second.yaml"),
        "{dash}"
    );
}

/// Issue 11, low: serve's default output folder was a predictable /tmp
/// name with world-readable guides. It is new, unpredictable and 0700.
#[test]
fn serve_picks_a_private_folder() {
    let (_tmp, mut server) = serve_copy(&[]);
    let out = building_into(&mut server);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o700,
            "{out} is mode {mode:o}: others can read the guides"
        );
    }
    let name = std::path::Path::new(&out)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        !name.contains(&server.pid().to_string()),
        "{out} is predictable from the process id"
    );
    assert!(
        name.starts_with("tebiki-serve-") && name.len() > "tebiki-serve-".len() + 3,
        "{out}"
    );
}

/// Issue 11, low: `.tmp-PID` files of a killed build would be served.
/// Hidden files are never served.
#[test]
fn serve_does_not_serve_half_written_files() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let (_tmp, server) = serve_copy(&["--out", out.to_str().unwrap()]);
    let addr = server.addr().to_string();
    std::fs::write(out.join("clinics/.index.html.tmp-12"), "half a file").unwrap();
    let (code, body) = http_get_host(&addr, "/clinics/.index.html.tmp-12", &addr);
    assert!(
        !body.contains("half a file"),
        "a half-written file was served: {}",
        status_line(&body)
    );
    assert!(code == 403 || code == 404, "{code}");
}

/// Opens `n` connections to `addr` and sends each `head`.
fn open(addr: &str, n: usize, head: &str) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(head.as_bytes()).unwrap();
            s
        })
        .collect()
}

/// Issue 11, low: 70 open live-reload connections made every request 503.
/// Pages load however many streams are open (extra streams are refused).
#[test]
fn open_live_reload_streams_do_not_lock_pages_out() {
    let (_tmp, server) = serve_copy(&[]);
    let addr = server.addr().to_string();
    let mut streams = open(
        &addr,
        70,
        &format!("GET /__tebiki/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
    );
    // Each stream has its answer (so the server holds them all).
    let mut refused = 0;
    for s in &mut streams {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap_or(0);
        if String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 503") {
            refused += 1;
        }
    }
    let (code, page) = http_get_host(&addr, "/clinics/index.html", &addr);
    assert_eq!(
        code,
        200,
        "a page while 70 live-reload streams are open: {}",
        status_line(&page)
    );
    assert!(refused > 0, "the streams are bounded");
}

/// Issue 11, low: slow-trickle clients held the server's slots. A page
/// loads while 70 clients trickle their request heads, and they are cut off.
#[test]
fn slow_clients_do_not_hold_the_server() {
    let (_tmp, server) = serve_copy(&[]);
    let addr = server.addr().to_string();
    let mut slow = open(&addr, 70, "GET /clinics/index.html HTTP/1.1\r\nX-Slow: ");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let mut writers: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for w in &mut writers {
                    let _ = w.write_all(b"x");
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let (code, page) = http_get_host(&addr, "/clinics/index.html", &addr);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut held = 0;
    for s in &mut slow {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(10));
        s.set_read_timeout(Some(left)).unwrap();
        let mut buf = [0u8; 64];
        if let Err(e) = s.read(&mut buf)
            && matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        {
            held += 1;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = trickle.join();
    assert_eq!(
        code,
        200,
        "a page while 70 clients trickle their requests: {}",
        status_line(&page)
    );
    assert_eq!(held, 0, "{held} trickling client(s) still held after 60 s");
}
