//! `briefing serve`: incremental rebuilds give the same site as a full build,
//! and the real binary serves pages, picks up edits, shows build errors while
//! still serving the last good site, and refuses path traversal.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use briefing::serve::{Change, Project};
use briefing::BuildOptions;
use common::TestSite;

fn assert_same_as_full_build(project: &Project, site: &TestSite) {
    let fresh = Project::open(site.path(), &BuildOptions::default()).unwrap();
    let mut a: Vec<_> = project.files().keys().collect();
    let mut b: Vec<_> = fresh.files().keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "different files");
    for (path, bytes) in fresh.files() {
        assert!(
            project.files()[path] == *bytes,
            "{path} differs from a full build"
        );
    }
}

#[test]
fn incremental_rebuilds_match_a_full_build() {
    let site = TestSite::fixture("links");
    let options = BuildOptions::default();
    let mut project = Project::open(site.path(), &options).unwrap();
    let p = |s: &str| vec![PathBuf::from(s)];

    // A body-only edit re-renders just that briefing and the three feeds
    // that carry its full text (the site's, Sudan's and War in Sudan's).
    let src = site.path().join("content/articles/source.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, format!("{text}\nOne more sentence.\n")).unwrap();
    assert_eq!(
        project.rebuild(&p("content/articles/source.md")).unwrap(),
        Change::Pages {
            rendered: 4,
            removed: 0
        }
    );
    assert!(
        String::from_utf8_lossy(&project.files()["articles/source/index.html"])
            .contains("One more sentence.")
    );
    assert_same_as_full_build(&project, &site);

    // A new title shows on every page that lists the briefing.
    std::fs::write(
        &src,
        text.replace("title: Links of every kind", "title: Retitled briefing"),
    )
    .unwrap();
    project.rebuild(&p("content/articles/source.md")).unwrap();
    assert!(
        String::from_utf8_lossy(&project.files()["countries/sudan/index.html"])
            .contains("Retitled briefing")
    );
    assert_same_as_full_build(&project, &site);

    // Untagging an entity updates the page of the entity it used to name.
    let t = std::fs::read_to_string(&src)
        .unwrap()
        .replace("crises: [War in Sudan]\n", "");
    std::fs::write(&src, t).unwrap();
    project.rebuild(&p("content/articles/source.md")).unwrap();
    assert!(
        !String::from_utf8_lossy(&project.files()["crises/war-in-sudan/index.html"])
            .contains("Retitled briefing")
    );
    assert_same_as_full_build(&project, &site);

    // A new briefing, then its removal.
    site.write(
        "content/articles/new.md",
        "---\ntitle: Brand new\ndate: 2030-01-01\ncountries: [Chad]\n---\nHello.\n",
    );
    project.rebuild(&p("content/articles/new.md")).unwrap();
    assert!(project.files().contains_key("countries/chad/index.html"));
    assert_same_as_full_build(&project, &site);
    std::fs::remove_file(site.path().join("content/articles/new.md")).unwrap();
    let change = project.rebuild(&p("content/articles/new.md")).unwrap();
    assert!(
        matches!(change, Change::Pages { removed, .. } if removed >= 2),
        "{change:?}"
    );
    assert!(!project.files().contains_key("countries/chad/index.html"));
    assert_same_as_full_build(&project, &site);

    // A profile edit.
    site.write("content/countries/sudan.md", "---\nname: Sudan\naliases: [Republic of the Sudan]\nregion: Northeast Africa\n---\nNew profile text.\n");
    project.rebuild(&p("content/countries/sudan.md")).unwrap();
    assert_same_as_full_build(&project, &site);

    // A template override re-renders the pages that use it.
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Tag {{ tag.name }}</h1>{% endblock main %}",
    );
    project.rebuild(&p("templates/tag.html")).unwrap();
    assert_same_as_full_build(&project, &site);

    // A stylesheet is copied, and nothing is rendered.
    site.write("static/style.css", "body { color: red }");
    assert_eq!(
        project.rebuild(&p("static/style.css")).unwrap(),
        Change::Css { files: 1 }
    );
    assert_eq!(&*project.files()["style.css"], b"body { color: red }");
    assert_same_as_full_build(&project, &site);
    // Deleting the override brings back the theme's stylesheet.
    std::fs::remove_file(site.path().join("static/style.css")).unwrap();
    project.rebuild(&p("static/style.css")).unwrap();
    assert_same_as_full_build(&project, &site);
}

#[test]
fn update_leaves_changed_pages_to_render_on_request() {
    let site = TestSite::fixture("links");
    let mut project = Project::open(site.path(), &BuildOptions::default()).unwrap();
    let src = site.path().join("content/articles/source.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(
        &src,
        text.replace("title: Links of every kind", "title: Retitled briefing"),
    )
    .unwrap();
    let change = project
        .update(&[PathBuf::from("content/articles/source.md")])
        .unwrap();
    let Change::Pages { rendered, .. } = change else {
        panic!("{change:?}");
    };
    let page = "countries/sudan/index.html";
    let stale = project.stale_paths();
    assert_eq!(stale.len(), rendered, "{stale:?}");
    assert!(stale.contains(page), "{stale:?}");
    let shows =
        |p: &Project, path: &str| String::from_utf8_lossy(&p.files()[path]).contains("Retitled");
    assert!(!shows(&project, page), "not rendered yet");

    assert!(project.render_path(page).unwrap());
    assert!(shows(&project, page));
    assert!(!project.stale_paths().contains(page));
    assert!(!project.render_path(page).unwrap(), "rendered once");
    assert!(project.has_stale(), "the others wait");

    while project.has_stale() {
        assert_eq!(project.render_stale(1).unwrap(), 1);
    }
    assert_same_as_full_build(&project, &site);
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_site() {
    let site = TestSite::fixture("links");
    let mut project = Project::open(site.path(), &BuildOptions::default()).unwrap();
    let before = project.files().clone();
    site.write("content/articles/source.md", "---\ntitle: [unclosed\n---\n");
    let err = project
        .rebuild(&[PathBuf::from("content/articles/source.md")])
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("content/articles/source.md:2"),
        "{err:#}"
    );
    assert!(*project.files() == before);
}

/// A multi-file save (or a `git pull`) that briefly holds one broken file
/// fails as a whole; once that file is fixed, the other files' edits of
/// the failed batch must show too, and until then every edit fails with
/// the same error.
#[test]
fn the_files_of_a_failed_batch_are_applied_by_the_next_batch_that_builds() {
    let site = TestSite::fixture("links");
    let mut project = Project::open(site.path(), &BuildOptions::default()).unwrap();
    let (article, profile) = (
        PathBuf::from("content/articles/source.md"),
        PathBuf::from("content/countries/sudan.md"),
    );
    let good_profile = std::fs::read_to_string(site.path().join(&profile)).unwrap();
    let text = std::fs::read_to_string(site.path().join(&article)).unwrap();
    site.write(
        "content/articles/source.md",
        &text.replacen("title: ", "title: Retitled in a failed batch — ", 1),
    );
    site.write(
        "content/countries/sudan.md",
        "---
name: [unclosed
---
",
    );
    let err = project
        .rebuild(&[article.clone(), profile.clone()])
        .unwrap_err();
    assert!(format!("{err:#}").contains("sudan.md"), "{err:#}");
    // Another edit while the profile is still broken fails the same way:
    // the error is not forgotten.
    site.write(
        "content/articles/other.md",
        "---\ntitle: Other\ndate: 2024-01-01\n---\nText.\n",
    );
    let err = project
        .rebuild(&[PathBuf::from("content/articles/other.md")])
        .unwrap_err();
    assert!(format!("{err:#}").contains("sudan.md"), "{err:#}");
    // The fix names only the profile; the article's edit shows too.
    site.write("content/countries/sudan.md", &good_profile);
    project.rebuild(&[profile]).unwrap();
    assert_same_as_full_build(&project, &site);
}

/// A profile edit that names a new country, then drops it: the country's
/// page, feed, index entry, sitemap entry and export record go with it.
#[test]
fn a_country_a_profile_adds_then_drops_leaves_no_page_behind() {
    let site = TestSite::fixture("links");
    let mut project = Project::open(site.path(), &BuildOptions::default()).unwrap();
    let crisis = PathBuf::from("content/crises/war-in-sudan.md");
    let text = std::fs::read_to_string(site.path().join(&crisis)).unwrap();
    for (countries, leader) in [
        ("[Sudan, Chad]", None),
        ("[Sudan]", None),
        ("[Sudan]", Some("Chad")),
    ] {
        site.write(
            "content/crises/war-in-sudan.md",
            &text.replace("countries: [Sudan]", &format!("countries: {countries}")),
        );
        let mut changed = vec![crisis.clone()];
        if let Some(country) = leader {
            site.write(
                "content/leaders/new-leader.md",
                &format!("---\nname: New Leader\ncountry: {country}\n---\nA profile.\n"),
            );
            changed.push(PathBuf::from("content/leaders/new-leader.md"));
        }
        project.rebuild(&changed).unwrap();
        assert_same_as_full_build(&project, &site);
    }
    site.write(
        "content/leaders/new-leader.md",
        "---\nname: New Leader\n---\nA profile.\n",
    );
    project
        .rebuild(&[PathBuf::from("content/leaders/new-leader.md")])
        .unwrap();
    assert_same_as_full_build(&project, &site);
}

/// A body-only edit adds a link to another briefing, which is then
/// deleted (or retitled, for a wikilink to its title): serve must drop the
/// link and warn, as a build does.
#[test]
fn a_link_added_by_a_body_edit_follows_its_target() {
    for (link, target_edit) in [
        ("[the other note](other.md)", None),
        (
            "[[Another note]]",
            Some("---\ntitle: Retitled note\ndate: 2024-06-01\n---\nOther.\n"),
        ),
    ] {
        let site = TestSite::fixture("links");
        site.write(
            "content/articles/other.md",
            "---\ntitle: Another note\ndate: 2024-06-01\n---\nOther.\n",
        );
        let mut project = Project::open(site.path(), &BuildOptions::default()).unwrap();
        let source = PathBuf::from("content/articles/source.md");
        let text = std::fs::read_to_string(site.path().join(&source)).unwrap();
        site.write(
            "content/articles/source.md",
            &format!("{text}\nSee {link}.\n"),
        );
        project.rebuild(&[source]).unwrap();
        assert_same_as_full_build(&project, &site);
        let other = PathBuf::from("content/articles/other.md");
        match target_edit {
            None => std::fs::remove_file(site.path().join(&other)).unwrap(),
            Some(text) => site.write("content/articles/other.md", text),
        }
        project.rebuild(&[other]).unwrap();
        assert_same_as_full_build(&project, &site);
        let fresh = Project::open(site.path(), &BuildOptions::default()).unwrap();
        assert_eq!(project.warnings(), fresh.warnings(), "{link}");
    }
}

// ---- The real binary over HTTP ----

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &TestSite) -> Server {
    start_logging(site, Stdio::null())
}

/// [`start`], with the server's terminal output going to `log`.
fn start_logging(site: &TestSite, log: Stdio) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", "0"])
        .arg(site.path())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start = line
        .find("http://")
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        + "http://".len();
    let addr = line[start..].split('/').next().unwrap().to_string();
    Server { child, addr }
}

/// A raw HTTP/1.1 request, so paths reach the server exactly as written.
fn request(addr: &str, method: &str, path: &str) -> (u16, String, String) {
    request_for_host(addr, addr, method, path)
}

/// The same, naming `host` in the `Host` header.
fn request_for_host(addr: &str, host: &str, method: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // A server past its connection bound may answer 503 and close before
    // reading the request: the write then fails, and the answer is what
    // counts.
    let _ = write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

/// Whether a request is refused: answered 503, or, when the server closes
/// before it reads the request, cut off with no answer at all.
fn turned_away(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return true;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = write!(
        s,
        "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    raw.is_empty() || raw.starts_with(b"HTTP/1.1 503")
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let (status, _, body) = request(addr, "GET", path);
    (status, body)
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn serve_answers_pages_and_picks_up_edits() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let (status, body) = get(&server.addr, "/articles/source/");
    assert_eq!(status, 200);
    assert!(body.contains("Links of every kind"));
    assert!(body.contains("/__briefing/livereload.js"));
    let (status, head, _) = request(&server.addr, "HEAD", "/style.css");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    let (status, _, _) = request(&server.addr, "POST", "/");
    assert_eq!(status, 405);
    let (status, head, _) = request(&server.addr, "GET", "/countries/sudan");
    assert_eq!(status, 301);
    assert!(
        head.to_ascii_lowercase()
            .contains("location: /countries/sudan/"),
        "{head}"
    );
    let (status, body) = get(&server.addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));

    let src = site.path().join("content/articles/source.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(
        &src,
        text.replace(
            "Talks on Sudan resumed.",
            "Talks on Sudan resumed on Monday.",
        ),
    )
    .unwrap();
    wait_for("the edit to be served", || {
        get(&server.addr, "/articles/source/")
            .1
            .contains("resumed on Monday")
    });

    // A new title is served on the pages that list the briefing, whether
    // the server renders them on request or in the background.
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(
        &src,
        text.replace("title: Links of every kind", "title: Retitled briefing"),
    )
    .unwrap();
    wait_for("the new title to be served", || {
        get(&server.addr, "/countries/sudan/")
            .1
            .contains("Retitled briefing")
    });
}

#[test]
fn a_static_folder_made_after_start_is_watched() {
    let site = TestSite::fixture("links");
    assert!(!site.path().join("static").exists());
    let server = start(&site);
    site.write("static/first.txt", "one");
    wait_for("the new folder's file", || {
        get(&server.addr, "/first.txt") == (200, "one".to_string())
    });
    // A file added afterwards is seen through the folder's own watch.
    site.write("static/notes/second.txt", "two");
    wait_for("a later file", || {
        get(&server.addr, "/notes/second.txt") == (200, "two".to_string())
    });
}

#[test]
fn a_broken_file_shows_the_error_while_the_old_page_is_served() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    // Subscribe to live-reload events first.
    let mut events = TcpStream::connect(&server.addr).unwrap();
    write!(
        events,
        "GET /__briefing/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");

    site.write(
        "content/articles/source.md",
        "---\ntitle: Links of every kind\ndate: not a date\n---\n",
    );
    // An editor's write may be seen half done (an empty file) first; wait
    // for the error about the finished file.
    read_events_until(&mut reader, |seen| {
        seen.find("content/articles/source.md:3")
            .is_some_and(|at| seen[at..].contains("build failed"))
    });
    let (status, body) = get(&server.addr, "/articles/source/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Links of every kind"),
        "the last good page is still served"
    );

    // Fixing the file clears the error: the browser is told to reload.
    site.write(
        "content/articles/source.md",
        "---\ntitle: Fixed again\ndate: 2024-06-02\n---\nBack.\n",
    );
    read_events_until(&mut reader, |seen| seen.contains("event: reload"));
    assert!(get(&server.addr, "/articles/source/")
        .1
        .contains("Fixed again"));
}

/// Read the event stream until `done` holds for everything read so far,
/// failing (not hanging) after 30 s: keep-alive comments arrive every 15 s.
fn read_events_until(reader: &mut BufReader<TcpStream>, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = String::new();
    let mut line = String::new();
    while !done(&seen) {
        assert!(
            Instant::now() < deadline,
            "timed out; events so far:\n{seen}"
        );
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => panic!("stream closed: {seen}"),
            Ok(_) => seen.push_str(&line),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("{e}"),
        }
    }
    seen
}

#[test]
fn paths_outside_the_site_are_refused() {
    let site = TestSite::fixture("links");
    let secret = site.path().join("secret.txt");
    std::fs::write(&secret, "do not serve").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, site.path().join("static-link.txt")).unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, site.path().join("static/leak.txt")).unwrap();
    let server = start(&site);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/articles/../../secret.txt",
        "//etc/passwd",
        "/..%5csecret.txt",
        "/leak.txt",
        "/content/articles/source.md",
        "/.briefing-output",
    ] {
        let (status, body) = get(&server.addr, path);
        assert!(
            matches!(status, 400 | 403 | 404),
            "{path} answered {status}"
        );
        assert!(!body.contains("do not serve"), "{path} leaked the file");
    }
    // No directory listing for a folder without an index page.
    let (status, body) = get(&server.addr, "/articles/page/");
    assert_eq!(status, 404);
    assert!(!body.contains("source"));
}

/// The status of `GET /` naming `host` in the `Host` header.
fn status_with_host(addr: &str, host: &str) -> u16 {
    request_for_host(addr, host, "GET", "/").0
}

/// DNS rebinding: a page on another domain that resolves to 127.0.0.1
/// sends its own domain as `Host`, and must not read the preview.
#[test]
fn requests_for_other_hosts_are_refused() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let port = server.addr.rsplit(':').next().unwrap();
    assert_eq!(status_with_host(&server.addr, &server.addr), 200);
    assert_eq!(
        status_with_host(&server.addr, &format!("localhost:{port}")),
        200
    );
    assert_eq!(
        status_with_host(&server.addr, &format!("attacker.example:{port}")),
        403
    );
    assert_eq!(status_with_host(&server.addr, "localhost:1"), 403);
}

/// More live-reload streams and idle connections than the server keeps are
/// turned away, and the server goes on answering.
#[test]
fn too_many_connections_are_turned_away_and_the_server_survives() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let open_stream = || open_stream(&server.addr);
    let mut streams = Vec::new();
    for _ in 0..briefing::serve::http::MAX_STREAMS {
        let (s, head) = open_stream();
        assert_eq!(head, "HTTP/1.1 200");
        streams.push(s);
    }
    let (_extra, head) = open_stream();
    assert_eq!(head, "HTTP/1.1 503", "one stream too many");
    // Idle connections past the bound get a 503 too.
    let mut idle: Vec<TcpStream> = (0..briefing::serve::http::MAX_CONNECTIONS + 20)
        .filter_map(|_| TcpStream::connect(&server.addr).ok())
        .collect();
    assert!(
        turned_away(&server.addr),
        "a request past the bound was served"
    );
    idle.clear();
    streams.clear();
    wait_for("the server to answer again", || {
        std::panic::catch_unwind(|| get(&server.addr, "/").0 == 200).unwrap_or(false)
    });
}

/// One rule for build and serve: a symbolic link made while serve runs is
/// not followed, in static/ or content/.
#[cfg(unix)]
#[test]
fn links_made_while_serving_are_not_followed() {
    let site = TestSite::fixture("links");
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("passwd"), "root:do not serve").unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    let server = start(&site);
    std::os::unix::fs::symlink(
        secret.path().join("passwd"),
        site.path().join("static/x.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(secret.path(), site.path().join("static/dir")).unwrap();
    // A plain file written after the links shows the server has caught up.
    site.write("static/marker.txt", "here");
    wait_for("the marker", || get(&server.addr, "/marker.txt").0 == 200);
    for path in ["/x.txt", "/dir/passwd"] {
        let (status, body) = get(&server.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("do not serve"));
    }
}

/// A content/ folder deleted and made again (a branch switch, a restore)
/// is watched again.
#[test]
fn a_content_folder_deleted_and_recreated_is_watched_again() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let content = site.path().join("content");
    let saved = tempfile::tempdir().unwrap();
    common::copy_dir(&content, saved.path());
    std::fs::remove_dir_all(&content).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    common::copy_dir(saved.path(), &content);
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "content/articles/fresh.md",
        "---\ntitle: Written after the folder came back\ndate: 2024-02-01\n---\nNew.\n",
    );
    wait_for("the new briefing", || {
        get(&server.addr, "/articles/fresh/").0 == 200
    });
}

/// Send `bytes` as they are and read what comes back until the server
/// closes the connection (or 8 s pass).
fn exchange(addr: &str, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    s.write_all(bytes).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

fn statuses(replies: &str) -> Vec<&str> {
    replies
        .split("HTTP/1.1 ")
        .skip(1)
        .map(|r| &r[..3])
        .collect()
}

/// A body is refused unread and ends the connection, so a request hidden
/// in it is never answered; conflicting or differing lengths get 400.
#[test]
fn request_bodies_and_conflicting_framing_are_refused() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let a = &server.addr;
    let hidden = format!("GET /hidden HTTP/1.1\r\nHost: {a}\r\n\r\n");
    let smuggled = format!(
        "POST / HTTP/1.1\r\nHost: {a}\r\nContent-Length: {}\r\n\r\n{hidden}",
        hidden.len()
    );
    assert_eq!(statuses(&exchange(a, smuggled.as_bytes())), ["405"]);
    let get_with_body = format!(
        "GET / HTTP/1.1\r\nHost: {a}\r\nContent-Length: {}\r\n\r\n{hidden}",
        hidden.len()
    );
    assert_eq!(statuses(&exchange(a, get_with_body.as_bytes())), ["400"]);
    let chunked = format!(
        "GET / HTTP/1.1\r\nHost: {a}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{hidden}"
    );
    assert_eq!(statuses(&exchange(a, chunked.as_bytes())), ["400"]);
    let both = format!(
        "GET / HTTP/1.1\r\nHost: {a}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    );
    assert_eq!(statuses(&exchange(a, both.as_bytes())), ["400"]);
    let differing = format!(
        "GET / HTTP/1.1\r\nHost: {a}\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello"
    );
    assert_eq!(statuses(&exchange(a, differing.as_bytes())), ["400"]);
    // Two requests without bodies on one connection are both answered.
    let two = format!("GET / HTTP/1.1\r\nHost: {a}\r\n\r\nGET /nope/ HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n");
    assert_eq!(statuses(&exchange(a, two.as_bytes())), ["200", "404"]);
}

/// A client that sends its request head slowly, or never finishes it, is
/// cut off at the deadline rather than holding its connection for ever.
#[test]
fn a_slow_request_head_is_cut_off() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let started = Instant::now();
    s.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    let mut rest = Vec::new();
    // Trickle a header byte a second: each arrives well inside any
    // per-read timeout, but the whole head never does.
    let trickle = std::thread::spawn({
        let mut s = s.try_clone().unwrap();
        move || {
            for _ in 0..20 {
                std::thread::sleep(Duration::from_secs(1));
                if s.write_all(b"x").is_err() {
                    return;
                }
            }
        }
    });
    let _ = s.read_to_end(&mut rest);
    let took = started.elapsed();
    assert!(
        took < briefing::serve::http::HEAD_DEADLINE + Duration::from_secs(3),
        "the connection stayed open {took:?}"
    );
    assert!(took >= briefing::serve::http::HEAD_DEADLINE - Duration::from_millis(100));
    drop(trickle);
}

/// The redirect to a folder's page keeps the query; calendars are served
/// as text/calendar.
#[test]
fn redirects_keep_the_query_and_types_come_from_the_table() {
    let site = TestSite::fixture("calendar-text");
    let server = start(&site);
    let (status, head, _) = request(&server.addr, "GET", "/articles?from=search");
    assert_eq!(status, 301, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("location: /articles/?from=search"),
        "{head}"
    );
    let (status, head, body) = request(&server.addr, "GET", "/calendar.ics");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/calendar; charset=utf-8"),
        "{head}"
    );
    assert!(body.starts_with("BEGIN:VCALENDAR"));
}

/// Closed live-reload streams give their place back at once: a tab
/// reloaded many times never finds the server full.
#[test]
fn closed_streams_are_freed_at_once() {
    let site = TestSite::fixture("links");
    let server = start(&site);
    let open_stream = || open_stream(&server.addr);
    for round in 0..3 {
        let streams: Vec<TcpStream> = (0..briefing::serve::http::MAX_STREAMS)
            .map(|_| {
                let (s, head) = open_stream();
                assert_eq!(head, "HTTP/1.1 200", "round {round}");
                s
            })
            .collect();
        drop(streams);
        // Well under the keep-alive ping: the server noticed the close.
        wait_for("the streams to be freed", || {
            let (s, head) = open_stream();
            drop(s);
            head == "HTTP/1.1 200"
        });
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Wait until the server has taken in more than `seen` batches of edits
/// and checked the last against a full load; returns how many it took in.
fn converged(addr: &str, seen: u64) -> u64 {
    let status = || -> (u64, Option<u64>) {
        let (code, body) = get(addr, "/__briefing/status");
        assert_eq!(code, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        (json["edits"].as_u64().unwrap(), json["checked"].as_u64())
    };
    let mut edits = 0;
    // A write can reach the watcher as two batches (the file emptied, then
    // filled) on a busy machine: converged is when every batch is checked
    // and no new one came in a while after.
    wait_for("the preview to converge", || {
        let (now, checked) = status();
        if now <= seen || checked != Some(now) {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(400));
        edits = now;
        status() == (now, Some(now))
    });
    edits
}

/// The property serve is built for, end to end: after edits, once the
/// server says it has converged, every file a fresh `build` of the same
/// sources writes is served with the same bytes, pages that build no
/// longer writes are gone, and the server found nothing inconsistent.
#[test]
fn served_files_converge_to_what_build_writes() {
    let site = TestSite::fixture("links");
    let log = tempfile::NamedTempFile::new().unwrap();
    let server = start_logging(&site, Stdio::from(log.reopen().unwrap()));
    let source = "content/articles/source.md";
    let original = std::fs::read_to_string(site.path().join(source)).unwrap();
    let target = "content/articles/2024/target.md";
    let target_text = std::fs::read_to_string(site.path().join(target)).unwrap();
    let edits: Vec<Box<dyn Fn()>> = vec![
        // A body edit that links to another briefing by file and by title.
        Box::new(|| {
            site.write(
                source,
                &format!(
                    "{original}\nSee [the target](2024/target.md) and [[The target briefing]].\n"
                ),
            )
        }),
        // The target retitled, then deleted: the links must follow.
        Box::new(|| {
            site.write(
                target,
                &target_text.replacen("title:", "title: Renamed,", 1),
            )
        }),
        Box::new(|| std::fs::remove_file(site.path().join(target)).unwrap()),
        // A new briefing, and a country named only by it.
        Box::new(|| {
            site.write(
                "content/articles/new.md",
                "---\ntitle: A new one\ndate: 2024-07-01\ncountries: [Chad]\n---\nNew.\n",
            )
        }),
    ];
    let mut seen = 0;
    for edit in &edits {
        edit();
        seen = converged(&server.addr, seen);
    }
    let options = BuildOptions {
        base_url: Some(format!("http://{}/", server.addr)),
        ..BuildOptions::default()
    };
    let out = tempfile::tempdir().unwrap();
    briefing::build(site.path(), Some(out.path()), &options).unwrap();
    let reload = "<script src=\"/__briefing/livereload.js\"></script>";
    let built = common::snapshot_dir(out.path());
    let mut compared = 0;
    for (path, bytes) in &built {
        let url = format!("/{}", path.to_string_lossy().replace('\\', "/"));
        if url.starts_with("/.") || url.starts_with("/search-index/") {
            continue;
        }
        let (status, _, body) = request(&server.addr, "GET", &url);
        assert_eq!(status, 200, "{url}");
        let body = body.replacen(reload, "", 1);
        assert!(
            body.as_bytes() == &bytes[..],
            "{url} differs from the build's"
        );
        compared += 1;
    }
    assert!(compared > 20, "only {compared} files compared");
    assert_eq!(get(&server.addr, "/articles/2024/target/").0, 404);
    assert!(built.keys().any(|p| p.starts_with("countries/chad")));
    let log = std::fs::read_to_string(log.path()).unwrap();
    assert!(!log.contains("internal inconsistency"), "{log}");
}

/// The check against a full load sees what the kept project missed (here
/// an edit it was never told of, standing for a fast path's mistake),
/// names it, and repairs it: afterwards the project equals a fresh one.
#[test]
fn the_full_load_check_finds_and_repairs_a_difference() {
    let site = TestSite::fixture("links");
    let mut project = Project::open(site.path(), &BuildOptions::default()).unwrap();
    assert_eq!(project.verify().unwrap(), Vec::<String>::new());
    site.write(
        "content/articles/2024/target.md",
        "---\ntitle: Changed behind its back\ndate: 2024-06-01\ncountries: [Chad]\n---\n[broken](nowhere.md)\n",
    );
    let differences = project.verify().unwrap();
    let all = differences.join("\n");
    assert!(all.contains("graph items differ"), "{all}");
    assert!(
        all.contains("pages a build would write: countries/chad/"),
        "{all}"
    );
    assert!(all.contains("findings differ"), "{all}");
    assert_same_as_full_build(&project, &site);
    assert_eq!(project.verify().unwrap(), Vec::<String>::new());
}

/// Open a live-reload stream; returns it and its status line's start.
fn open_stream(addr: &str) -> (TcpStream, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /__briefing/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    (s, String::from_utf8_lossy(&head).into_owned())
}
