//! The preview server behind `tebiki serve`: static files from the output
//! folder on a loopback address, with live reload.
//!
//! HTTP is hyper's (HTTP/1.1 parsing, keep-alive, header timeouts) and
//! files are tower-http's `ServeDir` (path decoding and traversal checks,
//! ranges, conditional requests), on a single-threaded tokio runtime. What
//! is ours: which folders are served under which prefix, the Host allowlist
//! (a page on another site that rebinds its DNS name to 127.0.0.1 gets
//! nothing), the bounds (connections, event streams, slow clients), and the
//! live-reload script injected into HTML pages. The script listens to
//! `/__tebiki/events` (server-sent events): when the build generation of its
//! area changes the page reloads; build errors are shown over the page and
//! warnings in a corner until the next build.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::UnsyncBoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde::Serialize;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

/// Path prefix of the server's own endpoints.
pub const LIVE_PREFIX: &str = "/__tebiki/";

/// Bounds of the server. Every connection, stream and wait is bounded by one.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// Open live-reload event streams; more are answered 503 (the page
    /// still works, it just does not reload by itself).
    pub max_event_streams: usize,
    /// Time a client has to send a request head (slow-trickle clients are cut off).
    pub header_timeout: Duration,
    /// Time a response write may make no progress (clients that do not read).
    pub write_stall: Duration,
    /// How long one event stream stays open (the browser reconnects by itself).
    pub event_lifetime: Duration,
    /// Keep-alive comment interval on an event stream.
    pub ping: Duration,
    /// Largest HTML page that gets the live-reload script (larger ones are served as they are).
    pub max_inject: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 128,
            max_event_streams: 32,
            header_timeout: Duration::from_secs(10),
            write_stall: Duration::from_secs(20),
            event_lifetime: Duration::from_secs(600),
            ping: Duration::from_secs(15),
            max_inject: 16 * 1024 * 1024,
        }
    }
}

/// The build status pages watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Changes when the server restarts (pages then reload).
    pub instance: u64,
    /// Generation of the help site; bumped when its files change.
    pub site: u64,
    /// Generation of the clinic guides.
    pub clinics: u64,
    /// Errors of the last build (content broken, clinics failed), shown over the page.
    pub error: Option<String>,
    /// Warnings of the last build, shown in a corner.
    pub notes: Option<String>,
}

/// Shared build status; event streams are woken when it changes.
#[derive(Debug)]
pub struct LiveState {
    status: watch::Sender<Status>,
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
        let (status, _) = watch::channel(Status {
            instance,
            site: 1,
            clinics: 1,
            error: None,
            notes: None,
        });
        Arc::new(Self { status })
    }

    fn update(&self, f: impl FnOnce(&mut Status)) {
        self.status.send_if_modified(|s| {
            let before = s.clone();
            f(s);
            *s != before
        });
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

    /// Sets or clears the warnings shown in a corner of every open page.
    pub fn set_notes(&self, notes: Option<String>) {
        self.update(|s| s.notes = notes);
    }

    /// The current status.
    pub fn snapshot(&self) -> Status {
        self.status.borrow().clone()
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

/// The Host header values accepted for a server on `port`: `127.0.0.1`,
/// `localhost` and `[::1]` with the port (without it only on port 80). Any
/// other name is a page that rebound its DNS name to this machine.
pub fn allowed_hosts(port: u16) -> Vec<String> {
    let mut v = Vec::new();
    for h in ["127.0.0.1", "localhost", "[::1]"] {
        v.push(format!("{h}:{port}"));
        if port == 80 {
            v.push(h.to_string());
        }
    }
    v
}

/// The preview server.
pub struct Server {
    listener: std::net::TcpListener,
    app: Arc<App>,
    stop: Arc<AtomicBool>,
}

/// What `tebiki serve` itself says on the pages it serves (the theme's
/// `serve_*` keys): the live-reload script's build-error box and notes, and
/// the page of an address not built yet.
#[derive(Debug, Clone)]
pub struct ServeWords {
    /// The live-reload tag's attributes that hand the script its words.
    attrs: String,
    /// The page of an address with nothing built at it.
    not_found: String,
}

impl ServeWords {
    /// The words of `t`.
    pub fn of(t: &crate::model::strings::Strings) -> Self {
        let e = |k: &str| crate::render::rich_html::escape(t.get(k));
        Self {
            attrs: format!(
                " data-error=\"{}\" data-close=\"{}\" data-notes=\"{}\"",
                e("serve_error"),
                e("serve_close"),
                e("serve_notes")
            ),
            not_found: format!(
                "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><link rel=\"icon\" href=\"data:,\"></head><body><h1>404 {}</h1><p>{}</p></body></html>",
                e("lang"),
                e("serve_not_found"),
                e("serve_not_found"),
                e("serve_not_found_text")
            ),
        }
    }
}

struct App {
    words: ServeWords,
    mounts: Vec<Mount>,
    home: String,
    state: Arc<LiveState>,
    hosts: Vec<String>,
    events: Arc<Semaphore>,
    limits: Limits,
}

type Body = UnsyncBoxBody<Bytes, std::io::Error>;

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
        let listener = std::net::TcpListener::bind(SocketAddr::new(ip, port))
            .map_err(|e| format!("cannot listen on {ip}:{port}: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on {ip}:{port}: {e}"))?;
        let actual = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        let mut mounts = mounts;
        mounts.sort_by_key(|m| std::cmp::Reverse(m.prefix.len()));
        let limits = Limits::default();
        Ok(Self {
            listener,
            app: Arc::new(App {
                words: ServeWords::of(crate::model::strings::Strings::builtin()),
                mounts,
                home,
                state,
                hosts: allowed_hosts(actual),
                events: Arc::new(Semaphore::new(limits.max_event_streams)),
                limits,
            }),
            stop,
        })
    }

    /// Replaces what the server says on its pages (before [`Server::run`]):
    /// the project's theme's words.
    pub fn with_words(mut self, words: ServeWords) -> Self {
        if let Some(app) = Arc::get_mut(&mut self.app) {
            app.words = words;
        }
        self
    }

    /// Replaces the bounds (before [`Server::run`]).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        if let Some(app) = Arc::get_mut(&mut self.app) {
            app.events = Arc::new(Semaphore::new(limits.max_event_streams));
            app.limits = limits;
        }
        self
    }

    /// The address actually listened on.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serves until the stop flag is set.
    pub fn run(self) {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("error: cannot start the server: {e}");
                return;
            }
        };
        rt.block_on(self.serve());
    }

    async fn serve(self) {
        let Ok(listener) = tokio::net::TcpListener::from_std(self.listener) else {
            return;
        };
        let slots = Arc::new(Semaphore::new(self.app.limits.max_connections));
        let tick = Duration::from_millis(100);
        while !self.stop.load(Ordering::Relaxed) {
            // A free slot first: beyond the bound, connections wait in the listen queue.
            let Ok(Ok(permit)) = tokio::time::timeout(tick, slots.clone().acquire_owned()).await
            else {
                continue;
            };
            let Ok(Ok((stream, _))) = tokio::time::timeout(tick, listener.accept()).await else {
                continue;
            };
            let app = self.app.clone();
            tokio::spawn(async move {
                let limits = app.limits.clone();
                let io = hyper_util::rt::TokioIo::new(Guarded {
                    inner: stream,
                    stall: limits.write_stall,
                    waiting: None,
                    _slot: permit,
                });
                let svc = hyper::service::service_fn(move |req| handle(req, app.clone()));
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(limits.header_timeout)
                    .serve_connection(io, svc);
                // No connection outlives an event stream by much.
                let _ =
                    tokio::time::timeout(limits.event_lifetime + limits.header_timeout, conn).await;
            });
        }
    }
}

/// A connection that fails a write making no progress for `stall` (a
/// client that stopped reading), holding its connection slot while open.
struct Guarded {
    inner: tokio::net::TcpStream,
    stall: Duration,
    waiting: Option<Pin<Box<tokio::time::Sleep>>>,
    _slot: OwnedSemaphorePermit,
}

impl Guarded {
    fn pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        let stall = self.stall;
        let timer = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(
        &mut self,
        r: Poll<std::io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<T>> {
        match r {
            Poll::Ready(v) => {
                self.waiting = None;
                Poll::Ready(v)
            }
            Poll::Pending => self.pending(cx),
        }
    }
}

use std::future::Future as _;

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(r, cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(r, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Watches content, clinic data, theme and config for changes (inotify and
/// its kin through `notify`; polling only where the system offers nothing).
pub struct Watch {
    _watcher: Box<dyn notify::Watcher + Send>,
    events: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    ignore: Vec<PathBuf>,
}

impl Watch {
    /// Watches every existing path of `paths` (folders recursively),
    /// ignoring changes under `ignore` (the output folder).
    pub fn new(paths: &[PathBuf], ignore: Vec<PathBuf>) -> Result<Self, String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let tx2 = tx.clone();
        let mut watcher: Box<dyn notify::Watcher + Send> =
            match notify::recommended_watcher(move |e| {
                let _ = tx.send(e);
            }) {
                Ok(w) => Box::new(w),
                Err(_) => Box::new(
                    notify::PollWatcher::new(
                        move |e| {
                            let _ = tx2.send(e);
                        },
                        notify::Config::default().with_poll_interval(Duration::from_millis(500)),
                    )
                    .map_err(|e| format!("cannot watch files: {e}"))?,
                ),
            };
        for p in paths.iter().filter(|p| p.exists()) {
            let mode = if p.is_dir() {
                notify::RecursiveMode::Recursive
            } else {
                notify::RecursiveMode::NonRecursive
            };
            watcher
                .watch(p, mode)
                .map_err(|e| format!("cannot watch {}: {e}", p.display()))?;
        }
        Ok(Self {
            _watcher: watcher,
            events: rx,
            ignore,
        })
    }

    /// Waits until something changed (then for `quiet` without further
    /// changes, so a save of many files is one rebuild) or `until` passes.
    /// True when something changed.
    pub fn wait(&self, until: std::time::Instant, quiet: Duration) -> bool {
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.events.recv_timeout(left) {
                Ok(Ok(e)) if self.relevant(&e) => break,
                Ok(_) => continue,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => return false,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return false,
            }
        }
        while self.events.recv_timeout(quiet).is_ok() {}
        true
    }

    fn relevant(&self, e: &notify::Event) -> bool {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode};
        let kind = matches!(
            e.kind,
            EventKind::Create(_)
                | EventKind::Modify(_)
                | EventKind::Remove(_)
                | EventKind::Any
                | EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        kind && e
            .paths
            .iter()
            .any(|p| !self.ignore.iter().any(|i| p.starts_with(i)))
    }
}

/// The script injected into served HTML pages.
const LIVE_JS: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  var area = (me && me.getAttribute("data-area")) || "site";
  var first = null, box = null, notes = null;
  function show(error) {
    if (!error) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "tebiki-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.88);color:#fff;overflow:auto;padding:2rem;font:14px/1.6 ui-monospace,Menlo,Consolas,monospace";
      var h = document.createElement("p");
      h.style.cssText = "font:bold 18px sans-serif;color:#ffb4ab;margin:0 0 1rem";
      h.textContent = (me && me.getAttribute("data-error")) || "tebiki";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = (me && me.getAttribute("data-close")) || "×";
      close.style.cssText = "margin-top:1rem;font:inherit;padding:.3rem 1rem";
      close.onclick = function () { if (box) box.style.display = "none"; };
      box.appendChild(h); box.appendChild(pre); box.appendChild(close);
      document.body.appendChild(box);
    }
    box.style.display = "block";
    box.querySelector("pre").textContent = error;
  }
  function note(text) {
    if (!text) { if (notes) { notes.remove(); notes = null; } return; }
    if (!notes) {
      notes = document.createElement("details");
      notes.id = "tebiki-notes";
      notes.style.cssText = "position:fixed;right:.5rem;bottom:.5rem;z-index:2147483646;max-width:min(60rem,95vw);max-height:60vh;overflow:auto;background:#fff8e1;color:#222;border:1px solid #c8a200;padding:.3rem .6rem;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var s = document.createElement("summary");
      s.textContent = (me && me.getAttribute("data-notes")) || "tebiki";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.3rem 0 0";
      notes.appendChild(s); notes.appendChild(pre);
      document.body.appendChild(notes);
    }
    notes.querySelector("pre").textContent = text;
  }
  var es = new EventSource("/__tebiki/events");
  es.onmessage = function (e) {
    var s;
    try { s = JSON.parse(e.data); } catch (err) { return; }
    if (first === null) first = s;
    else if (s.instance !== first.instance || s[area] !== first[area]) { es.close(); location.reload(); return; }
    show(s.error);
    note(s.notes);
  };
})();
"#;

fn full(status: StatusCode, ctype: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(
        Full::new(body.into())
            .map_err(|e| match e {})
            .boxed_unsync(),
    );
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

fn text(status: StatusCode, msg: &'static str) -> Response<Body> {
    full(status, "text/plain; charset=utf-8", msg)
}

fn redirect(to: &str) -> Response<Body> {
    let mut r = text(StatusCode::FOUND, "");
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

async fn handle(req: Request<Incoming>, app: Arc<App>) -> Result<Response<Body>, Infallible> {
    let mut resp = respond(req, &app).await;
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(resp)
}

async fn respond(req: Request<Incoming>, app: &App) -> Response<Body> {
    // DNS rebinding: a foreign page's requests carry its own host name.
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !app.hosts.iter().any(|a| a.eq_ignore_ascii_case(host)) {
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            "this preview server answers only to 127.0.0.1, localhost and [::1]\n",
        );
    }
    let head_only = req.method() == hyper::Method::HEAD;
    if req.method() != hyper::Method::GET && !head_only {
        return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let path = req.uri().path().to_string();
    if let Some(ep) = path.strip_prefix(LIVE_PREFIX) {
        return match ep {
            "live.js" => full(StatusCode::OK, "text/javascript; charset=utf-8", LIVE_JS),
            "status" => full(
                StatusCode::OK,
                "application/json",
                serde_json::to_vec(&app.state.snapshot()).unwrap_or_default(),
            ),
            "events" => events(app),
            _ => text(StatusCode::NOT_FOUND, "not found\n"),
        };
    }
    if path == "/" && !app.mounts.iter().any(|m| m.prefix == "/") {
        return redirect(&app.home);
    }
    let Some(mount) = app.mounts.iter().find(|m| path.starts_with(&m.prefix)) else {
        // `/help` without its slash.
        if let Some(m) = app
            .mounts
            .iter()
            .find(|m| m.prefix.trim_end_matches('/') == path)
        {
            return redirect(&m.prefix);
        }
        return not_found(Area::Site, &app.words);
    };
    let raw = &path[mount.prefix.len()..];
    let rel = percent_decode(raw);
    if confined(&mount.dir, &rel).is_none() {
        return text(StatusCode::FORBIDDEN, "forbidden\n");
    }
    // Hidden files (temporary files of a running build, locks) are not pages.
    if rel.split('/').any(|seg| seg.starts_with('.')) {
        return not_found(mount.area, &app.words);
    }
    let mut inner = Request::new(());
    *inner.method_mut() = req.method().clone();
    *inner.headers_mut() = req.headers().clone();
    match format!("/{raw}").parse() {
        Ok(uri) => *inner.uri_mut() = uri,
        Err(_) => return text(StatusCode::BAD_REQUEST, "bad request\n"),
    }
    let served = tower_http::services::ServeDir::new(&mount.dir)
        .append_index_html_on_directories(true)
        .try_call(inner)
        .await;
    let resp = match served {
        Ok(r) => r,
        Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n"),
    };
    let status = resp.status();
    if status == StatusCode::NOT_FOUND {
        return not_found(mount.area, &app.words);
    }
    if status.is_redirection() {
        // ServeDir saw the path without the mount prefix.
        let to = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or("/");
        return redirect(&format!(
            "{}{}",
            mount.prefix.trim_end_matches('/'),
            if to.starts_with('/') {
                to.to_string()
            } else {
                format!("/{to}")
            }
        ));
    }
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    let (mut parts, body) = resp.into_parts();
    if !(is_html && status == StatusCode::OK) || head_only {
        return Response::from_parts(parts, body.map_err(std::io::Error::other).boxed_unsync());
    }
    let too_big = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.parse::<usize>().ok())
        .is_none_or(|l| l > app.limits.max_inject);
    if too_big {
        return Response::from_parts(parts, body.map_err(std::io::Error::other).boxed_unsync());
    }
    let bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n"),
    };
    let html = inject(&String::from_utf8_lossy(&bytes), mount.area, &app.words);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::LAST_MODIFIED);
    Response::from_parts(
        parts,
        Full::new(Bytes::from(html))
            .map_err(|e| match e {})
            .boxed_unsync(),
    )
}

/// A live-reload event stream: the status now, then on every change, with
/// keep-alive pings, for at most `event_lifetime`. At most
/// `max_event_streams` at once.
fn events(app: &App) -> Response<Body> {
    let Ok(permit) = app.events.clone().try_acquire_owned() else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live-reload connections\n",
        );
    };
    let rx = app.state.status.subscribe();
    let limits = app.limits.clone();
    let deadline = tokio::time::Instant::now() + limits.event_lifetime;
    let start = (rx, true, permit);
    let stream = futures_util::stream::unfold(start, move |(mut rx, first, permit)| {
        let ping = limits.ping;
        async move {
            let chunk = if first {
                let s = rx.borrow_and_update().clone();
                format!("retry: 300\n\ndata: {}\n\n", to_json(&s))
            } else {
                if tokio::time::Instant::now() >= deadline {
                    return None;
                }
                let wait = ping.min(deadline - tokio::time::Instant::now());
                match tokio::time::timeout(wait, rx.changed()).await {
                    Ok(Ok(())) => {
                        let s = rx.borrow_and_update().clone();
                        format!("data: {}\n\n", to_json(&s))
                    }
                    Ok(Err(_)) => return None,
                    Err(_) => ": ping\n\n".to_string(),
                }
            };
            Some((
                Ok::<_, std::io::Error>(Frame::data(Bytes::from(chunk))),
                (rx, false, permit),
            ))
        }
    });
    let mut r = Response::new(StreamBody::new(stream).boxed_unsync());
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    r
}

fn to_json(s: &Status) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "{}".into())
}

/// The file under `dir` that the decoded request path `rel` names, or `None` when `rel` could
/// leave `dir`: every segment must be a plain name (no `..`, no empty segment that would make
/// the rest absolute, no drive prefix, backslash or NUL), and no folder or file on the way may
/// be a symbolic link.
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
        if std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink()) {
            return None;
        }
    }
    Some(out)
}

fn not_found(area: Area, words: &ServeWords) -> Response<Body> {
    let page = inject(&words.not_found, area, words);
    full(StatusCode::NOT_FOUND, "text/html; charset=utf-8", page)
}

/// Adds the live-reload script before `</body>` (or at the end).
pub fn inject(html: &str, area: Area, words: &ServeWords) -> String {
    let tag = format!(
        "<script src=\"{LIVE_PREFIX}live.js\"{} data-area=\"{}\"></script>",
        words.attrs,
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
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::time::Instant;

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
        assert_eq!(
            allowed_hosts(8000),
            ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"]
        );
    }

    #[test]
    fn injects_before_body_end() {
        let h = inject(
            "<html><body><p>x</p></body></html>",
            Area::Clinics,
            &ServeWords::of(crate::model::strings::Strings::builtin()),
        );
        assert!(
            h.ends_with("data-area=\"clinics\"></script></body></html>"),
            "{h}"
        );
    }

    struct Running {
        addr: SocketAddr,
        state: Arc<LiveState>,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<()>>,
        _dir: tempfile::TempDir,
    }

    impl Drop for Running {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::Relaxed);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    fn start(limits: Limits) -> Running {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/sub")).unwrap();
        std::fs::write(dir.path().join("site/index.html"), "<body>home</body>").unwrap();
        std::fs::write(dir.path().join("site/sub/index.html"), "<body>sub</body>").unwrap();
        std::fs::write(dir.path().join("site/.tmp-123"), "half-written").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("site/link.txt"),
        )
        .unwrap();
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
        .unwrap()
        .with_limits(limits);
        let addr = server.local_addr().unwrap();
        let thread = Some(std::thread::spawn(move || server.run()));
        Running {
            addr,
            state,
            stop,
            thread,
            _dir: dir,
        }
    }

    fn get_host(addr: SocketAddr, path: &str, host: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    fn get(addr: SocketAddr, path: &str) -> String {
        get_host(addr, path, &format!("127.0.0.1:{}", addr.port()))
    }

    /// Opens an event stream and returns its reader after the first event.
    fn event_stream(addr: SocketAddr) -> (BufReader<TcpStream>, String) {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            s,
            "GET /__tebiki/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
            addr.port()
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        let mut head = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return (reader, head);
            }
            head.push_str(&line);
            if line.contains("data: ") {
                return (reader, head);
            }
        }
    }

    #[test]
    fn serves_files_events_and_refuses_escapes() {
        let srv = start(Limits::default());
        let addr = srv.addr;
        let r = get(addr, "/help/index.html");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(r.contains("home<script src=\"/__tebiki/live.js\""), "{r}");
        assert!(
            r.to_ascii_lowercase().contains("cache-control: no-store"),
            "{r}"
        );
        assert!(get(addr, "/").contains("location: /help/index.html"));
        let r = get(addr, "/help/sub");
        assert!(r.contains("location: /help/sub/"), "{r}");
        assert!(get(addr, "/help/sub/").contains("sub<script"));
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
        // Neither links out of the folder nor half-written temporary files are served.
        #[cfg(unix)]
        assert!(get(addr, "/help/link.txt").starts_with("HTTP/1.1 403"));
        assert!(get(addr, "/help/.tmp-123").starts_with("HTTP/1.1 404"));
        assert!(get(addr, "/help/nope.html").starts_with("HTTP/1.1 404"));
        assert!(get(addr, "/__tebiki/live.js").contains("EventSource"));

        // An event stream reports the first status, then a change.
        let (mut reader, first) = event_stream(addr);
        assert!(first.contains("text/event-stream"), "{first}");
        assert!(first.contains("\"site\":1"), "{first}");
        srv.state.bump(Area::Site);
        let mut line = String::new();
        let started = Instant::now();
        while !line.contains("data: ") && started.elapsed() < Duration::from_secs(5) {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
        }
        assert!(line.contains("\"site\":2"), "{line}");
    }

    #[test]
    fn only_loopback_host_names_are_answered() {
        let srv = start(Limits::default());
        let port = srv.addr.port();
        for host in [
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            format!("127.0.0.1:{port}"),
        ] {
            let r = get_host(srv.addr, "/help/index.html", &host);
            assert!(r.starts_with("HTTP/1.1 200"), "{host}: {r}");
        }
        // DNS rebinding: a foreign name resolving to 127.0.0.1, or the wrong port.
        for host in [
            format!("evil.example:{port}"),
            "evil.example".into(),
            format!("127.0.0.1:{}", port + 1),
            "".into(),
        ] {
            let r = get_host(srv.addr, "/help/index.html", &host);
            assert!(r.starts_with("HTTP/1.1 421"), "{host}: {r}");
            assert!(!r.contains("home"), "{r}");
        }
    }

    #[test]
    fn event_streams_are_bounded_and_do_not_block_pages() {
        let srv = start(Limits {
            max_event_streams: 3,
            ..Limits::default()
        });
        let open: Vec<_> = (0..3).map(|_| event_stream(srv.addr)).collect();
        assert!(open.iter().all(|(_, h)| h.contains("data: ")));
        let (_, extra) = event_stream(srv.addr);
        assert!(extra.starts_with("HTTP/1.1 503"), "{extra}");
        assert!(get(srv.addr, "/help/index.html").starts_with("HTTP/1.1 200"));
        drop(open);
        // Slots come back when streams close.
        let started = Instant::now();
        loop {
            let (_, again) = event_stream(srv.addr);
            if again.contains("data: ") {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "{again}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn watch_sees_edits_and_ignores_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::create_dir_all(dir.path().join("content/out")).unwrap();
        let f = dir.path().join("content/a.yaml");
        std::fs::write(&f, "a").unwrap();
        let w = Watch::new(
            &[dir.path().join("content"), dir.path().join("missing")],
            vec![dir.path().join("content/out")],
        )
        .unwrap();
        let soon = || Instant::now() + Duration::from_millis(300);
        assert!(!w.wait(soon(), Duration::from_millis(20)));
        std::fs::write(dir.path().join("content/out/x.html"), "x").unwrap();
        assert!(
            !w.wait(soon(), Duration::from_millis(20)),
            "output changes are ignored"
        );
        std::fs::write(&f, "ab").unwrap();
        assert!(w.wait(
            Instant::now() + Duration::from_secs(5),
            Duration::from_millis(20)
        ));
    }

    #[test]
    fn slow_clients_are_timed_out_and_connections_bounded() {
        let srv = start(Limits {
            max_connections: 2,
            header_timeout: Duration::from_millis(300),
            ..Limits::default()
        });
        // One client trickles a request head and never finishes it, one sends nothing…
        let mut idle = Vec::new();
        for head in [&b"GET /help/index.html HTTP/1.1\r\nHo"[..], b""] {
            let mut s = TcpStream::connect(srv.addr).unwrap();
            s.write_all(head).unwrap();
            idle.push(s);
        }
        // …yet a third is answered once they are cut off.
        let r = get(srv.addr, "/help/index.html");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        for mut s in idle {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            let text = String::from_utf8_lossy(&buf);
            assert!(
                text.is_empty() || text.starts_with("HTTP/1.1 408"),
                "{text}"
            );
        }
    }
}
