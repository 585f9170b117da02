//! The preview server behind `tebiki serve`: static files from the output
//! folder on a loopback address, with live reload.
//!
//! Plain `std::net`, one short-lived thread per connection (at most
//! [`MAX_CONNECTIONS`]). HTML responses get a tiny script injected that
//! listens to `/__tebiki/events` (server-sent events): when the build
//! generation of its area (help site or clinic guides) changes the page
//! reloads, and a build error is shown over the page until it is fixed.
//! Every loop is bounded: by a deadline, a size, or the stop flag.

use serde::Serialize;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Connections served at the same time; more are answered 503.
pub const MAX_CONNECTIONS: usize = 64;
/// Longest request head read.
const MAX_HEAD: usize = 16 * 1024;
/// How long one event stream stays open (the browser reconnects by itself).
const EVENT_STREAM_LIFETIME: Duration = Duration::from_secs(600);
/// Keep-alive comment interval on an event stream.
const PING: Duration = Duration::from_secs(15);

/// Path prefix of the server's own endpoints.
pub const LIVE_PREFIX: &str = "/__tebiki/";

/// The build status pages watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Changes when the server restarts (pages then reload).
    pub instance: u64,
    /// Generation of the help site; bumped when its files change.
    pub site: u64,
    /// Generation of the clinic guides.
    pub clinics: u64,
    /// The last build error, shown over the page.
    pub error: Option<String>,
}

/// Shared build status with a condition variable for event streams.
#[derive(Debug)]
pub struct LiveState {
    status: Mutex<Status>,
    changed: Condvar,
}

/// Which generation to bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The help site (`OUT/site`).
    Site,
    /// The clinic guides (`OUT/clinics`).
    Clinics,
}

impl LiveState {
    /// A fresh state for a new server instance.
    pub fn new() -> Arc<Self> {
        let instance = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Arc::new(Self {
            status: Mutex::new(Status {
                instance,
                site: 1,
                clinics: 1,
                error: None,
            }),
            changed: Condvar::new(),
        })
    }

    fn update(&self, f: impl FnOnce(&mut Status)) {
        if let Ok(mut s) = self.status.lock() {
            let before = s.clone();
            f(&mut s);
            if *s != before {
                self.changed.notify_all();
            }
        }
    }

    /// Marks `area` as rebuilt with changes: its open pages reload.
    pub fn bump(&self, area: Area) {
        self.update(|s| match area {
            Area::Site => s.site += 1,
            Area::Clinics => s.clinics += 1,
        });
    }

    /// Sets or clears the build error shown over every open page.
    pub fn set_error(&self, error: Option<String>) {
        self.update(|s| s.error = error);
    }

    /// The current status.
    pub fn snapshot(&self) -> Status {
        match self.status.lock() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Waits until the status differs from `seen` or `timeout` passes.
    fn wait_change(&self, seen: &Status, timeout: Duration) -> Status {
        let Ok(guard) = self.status.lock() else {
            return seen.clone();
        };
        match self
            .changed
            .wait_timeout_while(guard, timeout, |s| s == seen)
        {
            Ok((s, _)) => s.clone(),
            Err(p) => p.into_inner().0.clone(),
        }
    }
}

/// A folder served under a URL prefix.
#[derive(Debug, Clone)]
pub struct Mount {
    /// URL path prefix, starting and ending with `/` (`/help/`).
    pub prefix: String,
    /// Folder on disk.
    pub dir: PathBuf,
    /// Area of the pages (which generation reloads them).
    pub area: Area,
}

/// The URL path prefix the help site is served under for `base_url`
/// ("" → `/`, "/help" → `/help/`, `https://intra.example/help/` → `/help/`).
pub fn site_prefix(base_url: &str) -> String {
    let b = base_url.trim();
    let path = match b.find("://") {
        Some(i) => b[i + 3..].find('/').map(|j| &b[i + 3 + j..]).unwrap_or("/"),
        None => b,
    };
    let mut p = String::from("/");
    p.push_str(path.trim_matches('/'));
    if !p.ends_with('/') {
        p.push('/');
    }
    p
}

/// Parses a host for `--host`: a loopback address only (`localhost` is 127.0.0.1).
pub fn loopback_host(host: &str) -> Result<IpAddr, String> {
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::from([127, 0, 0, 1])
    } else {
        host.trim_matches(|c| c == '[' || c == ']')
            .parse()
            .map_err(|_| format!("`{host}` is not an IP address"))?
    };
    if !ip.is_loopback() {
        return Err(format!(
            "`{host}` is not a loopback address; tebiki serve only listens on 127.0.0.1 or ::1"
        ));
    }
    Ok(ip)
}

/// A fingerprint of every file under `paths` (names, sizes, modification
/// times); it changes when anything is edited, added or removed. At most
/// `limit` files are looked at.
pub fn fingerprint(paths: &[PathBuf], limit: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut n = 0;
    for root in paths {
        root.hash(&mut h);
        for e in walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            n += 1;
            if n > limit {
                return h.finish();
            }
            e.path().hash(&mut h);
            if let Ok(m) = e.metadata() {
                m.len().hash(&mut h);
                if let Ok(t) = m.modified() {
                    t.hash(&mut h);
                }
            }
        }
    }
    h.finish()
}

/// The preview server.
pub struct Server {
    listener: TcpListener,
    mounts: Vec<Mount>,
    home: String,
    state: Arc<LiveState>,
    stop: Arc<AtomicBool>,
    active: Arc<AtomicUsize>,
}

impl Server {
    /// Binds `ip:port` (loopback only; port 0 picks a free port).
    pub fn bind(
        ip: IpAddr,
        port: u16,
        mounts: Vec<Mount>,
        home: String,
        state: Arc<LiveState>,
        stop: Arc<AtomicBool>,
    ) -> Result<Self, String> {
        if !ip.is_loopback() {
            return Err(format!("{ip} is not a loopback address"));
        }
        let listener = TcpListener::bind(SocketAddr::new(ip, port))
            .map_err(|e| format!("cannot listen on {ip}:{port}: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on {ip}:{port}: {e}"))?;
        let mut mounts = mounts;
        mounts.sort_by_key(|m| std::cmp::Reverse(m.prefix.len()));
        Ok(Self {
            listener,
            mounts,
            home,
            state,
            stop,
            active: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The address actually listened on.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Accepts connections until the stop flag is set.
    pub fn run(self) {
        let shared = Arc::new(Shared {
            mounts: self.mounts,
            home: self.home,
            state: self.state,
            stop: self.stop.clone(),
        });
        while !self.stop.load(Ordering::Relaxed) {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    if self.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                        let mut s = stream;
                        let _ = respond(&mut s, 503, "text/plain; charset=utf-8", b"busy\n", false);
                        continue;
                    }
                    self.active.fetch_add(1, Ordering::SeqCst);
                    let shared = shared.clone();
                    let active = self.active.clone();
                    let spawned = std::thread::Builder::new()
                        .name("tebiki-http".into())
                        .spawn(move || {
                            handle(stream, &shared);
                            active.fetch_sub(1, Ordering::SeqCst);
                        });
                    if spawned.is_err() {
                        self.active.fetch_sub(1, Ordering::SeqCst);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

struct Shared {
    mounts: Vec<Mount>,
    home: String,
    state: Arc<LiveState>,
    stop: Arc<AtomicBool>,
}

/// The script injected into served HTML pages.
const LIVE_JS: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  var area = (me && me.getAttribute("data-area")) || "site";
  var first = null, box = null;
  function show(error) {
    if (!error) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "tebiki-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.88);color:#fff;overflow:auto;padding:2rem;font:14px/1.6 ui-monospace,Menlo,Consolas,monospace";
      var h = document.createElement("p");
      h.style.cssText = "font:bold 18px sans-serif;color:#ffb4ab;margin:0 0 1rem";
      h.textContent = "tebiki: ビルドエラー（修正すると自動で再読み込みします）";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "閉じる";
      close.style.cssText = "margin-top:1rem;font:inherit;padding:.3rem 1rem";
      close.onclick = function () { if (box) box.style.display = "none"; };
      box.appendChild(h); box.appendChild(pre); box.appendChild(close);
      document.body.appendChild(box);
    }
    box.style.display = "block";
    box.querySelector("pre").textContent = error;
  }
  var es = new EventSource("/__tebiki/events");
  es.onmessage = function (e) {
    var s;
    try { s = JSON.parse(e.data); } catch (err) { return; }
    if (first === null) first = s;
    else if (s.instance !== first.instance || s[area] !== first[area]) { es.close(); location.reload(); return; }
    show(s.error);
  };
})();
"#;

fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let Some((method, target)) = read_head(&stream) else {
        let _ = respond(
            &mut stream,
            400,
            "text/plain; charset=utf-8",
            b"bad request\n",
            false,
        );
        return;
    };
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        let _ = respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n",
            false,
        );
        return;
    }
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    if let Some(ep) = path.strip_prefix(LIVE_PREFIX) {
        match ep {
            "live.js" => {
                let _ = respond(
                    &mut stream,
                    200,
                    "text/javascript; charset=utf-8",
                    LIVE_JS.as_bytes(),
                    head_only,
                );
            }
            "status" => {
                let body = serde_json::to_vec(&shared.state.snapshot()).unwrap_or_default();
                let _ = respond(&mut stream, 200, "application/json", &body, head_only);
            }
            "events" => events(stream, shared),
            _ => {
                let _ = respond(
                    &mut stream,
                    404,
                    "text/plain; charset=utf-8",
                    b"not found\n",
                    head_only,
                );
            }
        }
        return;
    }
    if path == "/" && !shared.mounts.iter().any(|m| m.prefix == "/") {
        let _ = redirect(&mut stream, &shared.home);
        return;
    }
    let Some(mount) = shared.mounts.iter().find(|m| path.starts_with(&m.prefix)) else {
        // `/help` without its slash.
        if let Some(m) = shared
            .mounts
            .iter()
            .find(|m| m.prefix.trim_end_matches('/') == path)
        {
            let _ = redirect(&mut stream, &m.prefix);
        } else {
            not_found(&mut stream, Area::Site, head_only);
        }
        return;
    };
    let rel = percent_decode(&path[mount.prefix.len()..]);
    let Some(inside) = confined(&mount.dir, &rel) else {
        let _ = respond(
            &mut stream,
            403,
            "text/plain; charset=utf-8",
            b"forbidden\n",
            head_only,
        );
        return;
    };
    let mut file = inside;
    if file.is_dir() {
        if !rel.is_empty() && !rel.ends_with('/') {
            let _ = redirect(&mut stream, &format!("{path}/"));
            return;
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let ctype = content_type(&file);
            if ctype.starts_with("text/html") {
                let html = inject(&String::from_utf8_lossy(&bytes), mount.area);
                let _ = respond(&mut stream, 200, ctype, html.as_bytes(), head_only);
            } else {
                let _ = respond(&mut stream, 200, ctype, &bytes, head_only);
            }
        }
        Err(_) => not_found(&mut stream, mount.area, head_only),
    }
}

/// The file under `dir` that the decoded request path `rel` names, or `None` when `rel` could
/// leave `dir`: every segment must be a plain name (no `..`, no empty segment that would make
/// the rest absolute, no drive prefix, backslash or NUL).
fn confined(dir: &Path, rel: &str) -> Option<PathBuf> {
    if rel.contains('\\') || rel.contains('\0') || rel.contains(':') {
        return None;
    }
    let trimmed = rel.strip_suffix('/').unwrap_or(rel);
    let mut out = dir.to_path_buf();
    if trimmed.is_empty() {
        return Some(out);
    }
    for seg in trimmed.split('/') {
        let mut comps = Path::new(seg).components();
        match (comps.next(), comps.next()) {
            (Some(std::path::Component::Normal(name)), None) if name == seg => out.push(name),
            _ => return None,
        }
    }
    Some(out)
}

fn not_found(stream: &mut TcpStream, area: Area, head_only: bool) {
    let page = inject(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>見つかりません</title><link rel=\"icon\" href=\"data:,\"></head><body><h1>404 見つかりません</h1><p>このページはまだありません。ビルドされると自動で再読み込みします。</p></body></html>",
        area,
    );
    let _ = respond(
        stream,
        404,
        "text/html; charset=utf-8",
        page.as_bytes(),
        head_only,
    );
}

/// Adds the live-reload script before `</body>` (or at the end).
pub fn inject(html: &str, area: Area) -> String {
    let tag = format!(
        "<script src=\"{LIVE_PREFIX}live.js\" data-area=\"{}\"></script>",
        match area {
            Area::Site => "site",
            Area::Clinics => "clinics",
        }
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    }
}

fn events(mut stream: TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 300\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let started = Instant::now();
    let mut seen = shared.state.snapshot();
    if send_event(&mut stream, &seen).is_err() {
        return;
    }
    let mut last_write = Instant::now();
    while started.elapsed() < EVENT_STREAM_LIFETIME && !shared.stop.load(Ordering::Relaxed) {
        let now = shared.state.wait_change(&seen, Duration::from_millis(500));
        let sent = if now != seen {
            seen = now;
            send_event(&mut stream, &seen)
        } else if last_write.elapsed() >= PING {
            stream.write_all(b": ping\n\n").and_then(|_| stream.flush())
        } else {
            continue;
        };
        if sent.is_err() {
            return;
        }
        last_write = Instant::now();
    }
}

fn send_event(stream: &mut TcpStream, s: &Status) -> std::io::Result<()> {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "{}".into());
    stream.write_all(format!("data: {json}\n\n").as_bytes())?;
    stream.flush()
}

/// Reads the request line and headers; returns (method, target).
fn read_head(stream: &TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD as u64));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    // Drain the headers (bounded by MAX_HEAD through `take`).
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) => break,
            Ok(_) if h == "\r\n" || h == "\n" => break,
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    Some((method, target))
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    }
}

fn respond(
    stream: &mut TcpStream,
    code: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        reason(code),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn redirect(stream: &mut TcpStream, to: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    stream.flush()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_hosts() {
        assert_eq!(site_prefix(""), "/");
        assert_eq!(site_prefix("/help"), "/help/");
        assert_eq!(site_prefix("/help/"), "/help/");
        assert_eq!(
            site_prefix("https://intra.example/docs/help/"),
            "/docs/help/"
        );
        assert!(loopback_host("127.0.0.1").is_ok());
        assert!(loopback_host("localhost").is_ok());
        assert!(loopback_host("::1").is_ok());
        assert!(loopback_host("0.0.0.0").is_err());
        assert!(loopback_host("192.168.1.2").is_err());
    }

    #[test]
    fn injects_before_body_end() {
        let h = inject("<html><body><p>x</p></body></html>", Area::Clinics);
        assert!(
            h.ends_with("data-area=\"clinics\"></script></body></html>"),
            "{h}"
        );
    }

    fn get(addr: SocketAddr, path: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn serves_files_events_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/sub")).unwrap();
        std::fs::write(dir.path().join("site/index.html"), "<body>home</body>").unwrap();
        std::fs::write(dir.path().join("site/sub/index.html"), "<body>sub</body>").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        let state = LiveState::new();
        let stop = Arc::new(AtomicBool::new(false));
        let server = Server::bind(
            IpAddr::from([127, 0, 0, 1]),
            0,
            vec![Mount {
                prefix: "/help/".into(),
                dir: dir.path().join("site"),
                area: Area::Site,
            }],
            "/help/index.html".into(),
            state.clone(),
            stop.clone(),
        )
        .unwrap();
        let addr = server.local_addr().unwrap();
        let t = std::thread::spawn(move || server.run());
        let r = get(addr, "/help/index.html");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(r.contains("home<script src=\"/__tebiki/live.js\""), "{r}");
        assert!(get(addr, "/").contains("Location: /help/index.html"));
        assert!(get(addr, "/help/sub").contains("Location: /help/sub/"));
        assert!(get(addr, "/help/sub/").contains("sub"));
        assert!(get(addr, "/help/../secret.txt").starts_with("HTTP/1.1 403"));
        assert!(get(addr, "/help/%2e%2e/secret.txt").starts_with("HTTP/1.1 403"));
        // A segment that starts with `/` once decoded must not become an absolute path.
        for escape in [
            "/help//etc/passwd",
            "/help/%2fetc%2fpasswd",
            "/help/%2Fproc%2Fself%2Fenviron",
            "/help/sub//etc/passwd",
            "/help/./index.html",
        ] {
            let r = get(addr, escape);
            assert!(r.starts_with("HTTP/1.1 403"), "{escape}: {r}");
        }
        assert!(get(addr, "/help/nope.html").starts_with("HTTP/1.1 404"));
        assert!(get(addr, "/__tebiki/live.js").contains("EventSource"));

        // An event stream reports the first status, then a change.
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(s, "GET /__tebiki/events HTTP/1.1\r\n\r\n").unwrap();
        let mut reader = BufReader::new(s);
        let mut datas = Vec::new();
        let mut line = String::new();
        let started = Instant::now();
        while datas.len() < 2 && started.elapsed() < Duration::from_secs(5) {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(d) = line.strip_prefix("data: ") {
                datas.push(d.trim().to_string());
                if datas.len() == 1 {
                    state.bump(Area::Site);
                }
            }
        }
        assert_eq!(datas.len(), 2, "{datas:?}");
        assert!(datas[0].contains("\"site\":1"));
        assert!(datas[1].contains("\"site\":2"));
        stop.store(true, Ordering::Relaxed);
        t.join().unwrap();
    }

    #[test]
    fn fingerprint_changes_on_edit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.yaml");
        std::fs::write(&f, "a").unwrap();
        let roots = vec![dir.path().to_path_buf()];
        let a = fingerprint(&roots, 1000);
        std::fs::write(&f, "ab").unwrap();
        assert_ne!(a, fingerprint(&roots, 1000));
    }
}
