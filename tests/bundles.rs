//! Files beside briefings: page bundles (`ruto-unga/index.md` and its
//! files), images with their size, captions and credits, and what `check`
//! says about images without alt text or with a path that leads nowhere.

mod common;

use briefing::serve::Project;
use briefing::BuildOptions;
use common::TestSite;

#[test]
fn a_bundle_publishes_the_files_its_briefing_uses_beside_its_page() {
    let site = TestSite::fixture("bundles");
    site.build_ok();
    let out = site.out();
    // The bundle's folder names the briefing.
    let page = site.page("articles/ruto-unga/");
    let src = site.path().join("content/articles/2023/ruto-unga");
    assert_eq!(
        std::fs::read(out.join("articles/ruto-unga/map.png")).unwrap(),
        std::fs::read(src.join("map.png")).unwrap()
    );
    assert!(out.join("articles/ruto-unga/notes.txt").is_file());
    assert!(
        !out.join("articles/ruto-unga/private.txt").exists(),
        "a file no briefing uses stays unpublished"
    );
    assert!(page.contains(r#"<a href="/articles/ruto-unga/notes.txt">full notes</a>"#));
    // A loose briefing's image is published beside its own page.
    assert!(out.join("articles/loose/photo.png").is_file());
    assert!(!out.join("articles/outside.png").exists());
    assert!(!out.join("countries/kenya/flag.png").exists());
}

#[test]
fn images_get_their_size_lazy_loading_and_a_caption_with_credit() {
    let site = TestSite::fixture("bundles");
    site.build_ok();
    let page = site.page("articles/ruto-unga/");
    let body = &page[page.find(r#"<div class="body">"#).unwrap()..];
    let body = &body[..body.find("</div>").unwrap()];
    insta::assert_snapshot!(body, @r#"
    <div class="body">
    <p>The talks, on one map.</p>
    <figure><img src="/articles/ruto-unga/map.png" alt="Map of the talks" width="3" height="2"><figcaption>Where the talks were held <span class="credit">Credit: test fixture</span></figcaption></figure>
    <p>The <a href="/articles/ruto-unga/notes.txt">full notes</a> are beside this briefing, and so is a second look:</p>
    <p><img src="/articles/ruto-unga/map.png" alt="The map again" width="3" height="2" loading="lazy"></p>
    "#);
}

#[test]
fn a_base_path_prefixes_the_published_files() {
    let site = TestSite::fixture("bundles");
    site.build_with(&BuildOptions {
        base_url: Some("https://example.org/briefs/".into()),
        ..BuildOptions::default()
    })
    .unwrap();
    let page = site.page("articles/ruto-unga/");
    assert!(
        page.contains(r#"<img src="/briefs/articles/ruto-unga/map.png""#),
        "{page}"
    );
}

#[test]
fn check_reports_missing_alt_text_and_paths_that_lead_nowhere() {
    let site = TestSite::fixture("bundles");
    let found: Vec<String> = briefing::check::check(site.path(), &BuildOptions::default())
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let expect = [
        "content/articles/2023/loose.md:7: image `photo.png` has no alt text",
        "content/articles/2023/loose.md:9: `nothere.png` points at content/articles/2023/nothere.png, which does not exist",
        "content/articles/2023/loose.md:11: `../outside.png` is outside this briefing's folder",
        "content/countries/kenya.md:5: `flag.png`: files beside a profile are not published",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.contains(e)),
            "no `{e}` in {found:#?}"
        );
    }
}

/// serve follows a file beside a briefing as it is added, changed and
/// removed, and ends with what a full build gives.
#[test]
fn serve_follows_added_changed_and_removed_files() {
    let site = TestSite::fixture("bundles");
    let options = BuildOptions::default();
    let mut project = Project::open(site.path(), &options).unwrap();
    let bundle = "content/articles/2023/ruto-unga";
    let file = |p: &Project| {
        p.files()
            .get("articles/ruto-unga/extra.txt")
            .map(|b| b.to_vec())
    };

    site.write(
        &format!("{bundle}/index.md"),
        &format!(
            "{}\nSee [more](extra.txt).\n",
            std::fs::read_to_string(site.path().join(bundle).join("index.md")).unwrap()
        ),
    );
    project
        .rebuild(&[format!("{bundle}/index.md").into()])
        .unwrap();
    assert_eq!(
        file(&project),
        None,
        "a link to a missing file publishes nothing"
    );

    site.write(&format!("{bundle}/extra.txt"), "one");
    project
        .rebuild(&[format!("{bundle}/extra.txt").into()])
        .unwrap();
    assert_eq!(file(&project).as_deref(), Some(&b"one"[..]));

    // A change of length changes the file's stamp; the copy follows.
    site.write(&format!("{bundle}/extra.txt"), "two, longer");
    project
        .rebuild(&[format!("{bundle}/extra.txt").into()])
        .unwrap();
    assert_eq!(file(&project).as_deref(), Some(&b"two, longer"[..]));
    let fresh = Project::open(site.path(), &options).unwrap();
    assert_eq!(same_files(&project, &fresh), Ok(()));

    std::fs::remove_file(site.path().join(bundle).join("extra.txt")).unwrap();
    project
        .rebuild(&[format!("{bundle}/extra.txt").into()])
        .unwrap();
    assert_eq!(file(&project), None);
    let fresh = Project::open(site.path(), &options).unwrap();
    assert_eq!(same_files(&project, &fresh), Ok(()));
}

/// `Ok` when both hold the same files with the same bytes.
fn same_files(a: &Project, b: &Project) -> Result<(), Vec<String>> {
    let mut out = Vec::new();
    for (path, bytes) in b.files() {
        if a.files().get(path) != Some(bytes) {
            out.push(format!("differs or missing: {path}"));
        }
    }
    out.extend(
        a.files()
            .keys()
            .filter(|p| !b.files().contains_key(*p))
            .map(|p| format!("extra: {p}")),
    );
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}
