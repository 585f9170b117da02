//! `tebiki serve` as a user runs it: the folder it picks is private, every
//! build message reaches the terminal and the open pages, and it answers
//! only to loopback host names.

mod common;

use common::{content_copy, http_get_host, serve};
use std::time::Duration;

#[test]
fn serve_picks_a_private_folder_and_shows_every_message() {
    let (_tmp, content) = content_copy();
    let clinics = content.join("clinics");
    std::fs::write(clinics.join("broken.yaml"), "name: [x\n").unwrap();
    std::fs::write(clinics.join("second.yaml"), "name: a\nname: b\n").unwrap();
    let mut server = serve(&["--content", content.to_str().unwrap()]);
    let addr = server.addr().to_string();
    let out = server
        .wait_line(Duration::from_secs(60), |l| {
            l.trim().starts_with("building into ")
        })
        .expect("the folder it builds into");
    let out = out.trim().trim_start_matches("building into ").to_string();
    // No file outside its folder, however the path is spelled (checked first: the
    // critical finding of issue 11)…
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
            "{path} escaped the folder: {body}"
        );
        assert!(code == 400 || code == 403 || code == 404, "{path}: {code}");
    }
    // …and answered only under loopback names.
    let port = addr.rsplit(':').next().unwrap();
    let (code, rebound) = http_get_host(
        &addr,
        "/clinics/index.html",
        &format!("attacker.example:{port}"),
    );
    assert_eq!(code, 421, "{rebound}");
    // Both failed files, with their messages, on the open pages…
    let (code, status) = http_get_host(&addr, "/__tebiki/status", &addr);
    assert_eq!(code, 200, "{status}");
    assert!(status.contains("2 clinic(s) failed"), "{status}");
    assert!(status.contains("broken.yaml:1"), "{status}");
    assert!(status.contains("duplicate key `name`"), "{status}");
    let (_, dash) = http_get_host(&addr, "/clinics/index.html", &addr);
    assert!(
        dash.contains("broken.yaml") && dash.contains("second.yaml"),
        "{dash}"
    );
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
    // …and in the terminal.
    let err = server.stop().join("\n");
    assert!(err.contains("broken.yaml:1"), "{err}");
    assert!(err.contains("duplicate key `name`"), "{err}");
}
