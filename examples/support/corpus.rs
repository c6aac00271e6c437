//! A deterministic synthetic corpus for benchmarks and the thread-count
//! regression test: N briefings of about 600 words, with profiles for ~200
//! countries, ~500 leaders and ~100 crises, written as a briefing site and,
//! optionally, as the same articles for Hugo.
//!
//! Shared by `examples/gen_corpus.rs` and `tests/determinism.rs` through
//! `#[path]`, so it is never part of the library.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// A small, fixed pseudo-random generator (SplitMix64), so every run writes
/// the same corpus without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct indexes below `n`.
    pub fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "ta", "ve", "lo", "sa", "nu", "ber", "dan", "el", "gor", "hal", "is", "jur",
    "kel", "mar", "nor", "os", "pel", "quin", "ras", "sol", "tor", "ul", "var", "wen", "yar",
    "zan", "bri",
];
const REGIONS: &[&str] = &[
    "East Africa",
    "West Africa",
    "North Africa",
    "Central Africa",
    "Southern Africa",
    "Middle East",
    "South Asia",
    "East Asia",
    "Southeast Asia",
    "Central Asia",
    "Europe",
    "North America",
    "South America",
    "Caribbean",
    "Oceania",
];
const OFFICES: &[&str] = &[
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defence Minister",
    "Opposition leader",
];
const STATUSES: &[&str] = &["active", "active", "active", "frozen", "resolved"];
const TAGS: &[&str] = &[
    "diplomacy",
    "security",
    "elections",
    "humanitarian",
    "sanctions",
    "trade",
    "climate",
    "migration",
    "energy",
    "peacekeeping",
    "ceasefire",
    "aid",
    "refugees",
    "summit",
    "UN",
    "AU",
    "economy",
    "health",
    "food security",
    "water",
    "borders",
    "maritime",
    "cyber",
    "arms control",
    "human rights",
    "media",
    "courts",
    "protests",
    "mediation",
    "debt",
];
const WORDS: &[&str] = &[
    "talks",
    "officials",
    "delegation",
    "agreement",
    "framework",
    "regional",
    "support",
    "mission",
    "funding",
    "council",
    "statement",
    "meeting",
    "negotiators",
    "envoy",
    "ministers",
    "progress",
    "pressure",
    "partners",
    "security",
    "stability",
    "transition",
    "observers",
    "forces",
    "reports",
    "displaced",
    "relief",
    "corridor",
    "monitoring",
    "commitment",
    "schedule",
    "deadline",
    "budget",
    "analysts",
    "concerns",
    "proposal",
    "summit",
    "border",
    "capital",
    "province",
    "parliament",
    "coalition",
    "governor",
    "ceasefire",
    "violations",
    "access",
    "convoys",
    "supplies",
];

fn name(rng: &mut Rng, parts: usize) -> String {
    let mut s = String::new();
    for _ in 0..parts {
        s.push_str(rng.pick(SYLLABLES));
    }
    let mut c = s.chars();
    let first: String = c.next().unwrap().to_uppercase().collect();
    first + c.as_str()
}

pub struct Corpus {
    pub countries: Vec<String>,
    pub leaders: Vec<(String, usize)>,
    pub crises: Vec<(String, Vec<usize>)>,
    pub articles: Vec<Article>,
}

pub struct Article {
    pub slug: String,
    pub title: String,
    pub date: String,
    pub countries: Vec<usize>,
    pub leaders: Vec<usize>,
    pub crises: Vec<usize>,
    pub tags: Vec<&'static str>,
    pub body: String,
}

fn unique(
    rng: &mut Rng,
    n: usize,
    parts: (usize, usize),
    suffix: &str,
    taken: &mut std::collections::HashSet<String>,
) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let p = rng.range(parts.0, parts.1);
        let n = format!("{}{suffix}", name(rng, p));
        if taken.insert(briefing::text::slugify(&n)) {
            out.push(n);
        }
    }
    out
}

/// Generate `n` briefings.
pub fn generate(n: usize, seed: u64) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut taken = std::collections::HashSet::new();
    let countries = unique(&mut rng, 200, (2, 3), "ia", &mut taken);
    let leader_names: Vec<String> = (0..500)
        .map(|_| format!("{} {}", name(&mut rng, 2), name(&mut rng, 3)))
        .collect::<Vec<_>>();
    let mut seen = std::collections::HashSet::new();
    let leaders: Vec<(String, usize)> = leader_names
        .into_iter()
        .filter(|l| seen.insert(briefing::text::slugify(l)))
        .map(|l| (l, rng.below(200)))
        .collect();
    let crisis_names = unique(&mut rng, 100, (2, 3), " conflict", &mut taken);
    let crises: Vec<(String, Vec<usize>)> = crisis_names
        .into_iter()
        .map(|c| {
            let k = rng.range(1, 3);
            (c, rng.distinct(k, 200))
        })
        .collect();

    let mut articles = Vec::with_capacity(n);
    for i in 0..n {
        let day = i * 3650 / n.max(1); // spread over ten years
        let date = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()
            + chrono::Duration::days(day as i64);
        let (nc, nl, nk) = (rng.range(1, 5), rng.range(0, 4), rng.range(0, 3));
        let c = rng.distinct(nc, countries.len());
        let l = rng.distinct(nl, leaders.len());
        let k = rng.distinct(nk, crises.len());
        let t1 = rng.pick(TAGS);
        let mut t2 = rng.pick(TAGS);
        while t2 == t1 {
            t2 = rng.pick(TAGS);
        }
        let title = format!(
            "{} {} on {} in {}",
            name(&mut rng, 2),
            rng.pick(WORDS),
            rng.pick(WORDS),
            countries[c[0]]
        );
        let slug = format!("{}-{i:06}", date.format("%Y-%m-%d"));
        let body = body(&mut rng, i, n, &countries, &leaders, &crises, &c, &l, &k);
        articles.push(Article {
            slug,
            title,
            date: date.format("%Y-%m-%d").to_string(),
            countries: c,
            leaders: l,
            crises: k,
            tags: vec![t1, t2],
            body,
        });
    }
    Corpus {
        countries,
        leaders,
        crises,
        articles,
    }
}

fn sentence(rng: &mut Rng, words: usize, mention: Option<&str>) -> String {
    let mut s = String::new();
    for w in 0..words {
        if w > 0 {
            s.push(' ');
        }
        if Some(w) == mention.map(|_| words / 2) {
            s.push_str(mention.unwrap());
        } else {
            s.push_str(rng.pick(WORDS));
        }
    }
    let mut c = s.chars();
    let first: String = c.next().unwrap().to_uppercase().collect();
    format!("{first}{}.", c.as_str())
}

#[allow(clippy::too_many_arguments)]
fn body(
    rng: &mut Rng,
    i: usize,
    n: usize,
    countries: &[String],
    leaders: &[(String, usize)],
    crises: &[(String, Vec<usize>)],
    c: &[usize],
    l: &[usize],
    k: &[usize],
) -> String {
    let mut mentions: Vec<&str> = c.iter().map(|&x| countries[x].as_str()).collect();
    mentions.extend(l.iter().map(|&x| leaders[x].0.as_str()));
    mentions.extend(k.iter().map(|&x| crises[x].0.as_str()));
    let mut out = String::new();
    let mut words = 0;
    let mut section = 0;
    while words < 600 {
        section += 1;
        let _ = writeln!(out, "## Section {section}: {}\n", rng.pick(WORDS));
        for _ in 0..2 {
            let m = mentions.get(rng.below(mentions.len() + 2)).copied();
            let mut para = String::new();
            for _ in 0..4 {
                let len = rng.range(10, 18);
                para.push_str(&sentence(rng, len, m));
                para.push(' ');
                words += len;
            }
            let _ = writeln!(out, "{}\n", para.trim_end());
        }
        match section % 3 {
            1 => {
                for _ in 0..3 {
                    let len = rng.range(5, 9);
                    let _ = writeln!(out, "- {}", sentence(rng, len, None));
                    words += len;
                }
                out.push('\n');
            }
            2 => {
                let len = rng.range(12, 20);
                let _ = writeln!(out, "> {}\n", sentence(rng, len, mentions.first().copied()));
                words += len;
            }
            _ => {}
        }
    }
    if i % 5 == 0 {
        out.push_str("| Item | Figure |\n|---|---|\n");
        for _ in 0..4 {
            let _ = writeln!(out, "| {} | {} |", rng.pick(WORDS), rng.range(1, 9999));
        }
        out.push('\n');
    }
    if i > 0 {
        let prev = rng.below(i);
        let _ = writeln!(
            out,
            "Earlier: [a related briefing]({}) and [[{}]].",
            article_file_name(prev, n),
            countries[c[0]]
        );
    }
    out
}

/// A relative link from any briefing (in `articles/<year>/`) to briefing `i`.
fn article_file_name(i: usize, n: usize) -> String {
    let day = i * 3650 / n.max(1);
    let date =
        chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(day as i64);
    format!(
        "../{}/{}-{i:06}.md",
        date.format("%Y"),
        date.format("%Y-%m-%d")
    )
}

fn list(names: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", items.join(", "))
}

fn front_matter(c: &Corpus, a: &Article) -> String {
    format!(
        "---\ntitle: \"{}\"\ndate: {}\ncountries: {}\nleaders: {}\ncrises: {}\ntags: {}\n---\n",
        a.title,
        a.date,
        list(a.countries.iter().map(|&x| c.countries[x].clone())),
        list(a.leaders.iter().map(|&x| c.leaders[x].0.clone())),
        list(a.crises.iter().map(|&x| c.crises[x].0.clone())),
        list(a.tags.iter().map(|t| t.to_string())),
    )
}

/// Write the corpus as a briefing site in `dir`.
/// `dossiers: false` leaves out the dossier fields (offices over time,
/// assessments, figures, key dates) and writes a leader's office in the
/// older `office`/`term` form: the corpus as it was before they existed,
/// which a baseline binary from then can build.
pub fn write_briefing_site(c: &Corpus, dir: &Path, dossiers: bool) -> io::Result<()> {
    let content = dir.join("content");
    fs::create_dir_all(content.join("countries"))?;
    fs::create_dir_all(content.join("leaders"))?;
    fs::create_dir_all(content.join("crises"))?;
    fs::write(
        dir.join("site.yaml"),
        "title: Benchmark corpus\nbase_url: https://bench.example.org/\n",
    )?;
    let mut rng = Rng::new(7);
    for (i, name) in c.countries.iter().enumerate() {
        let iso: String = [b'A' + (i / 26) as u8, b'A' + (i % 26) as u8]
            .iter()
            .map(|&b| b as char)
            .collect();
        fs::write(
            content
                .join("countries")
                .join(format!("{}.md", briefing::text::slugify(name))),
            format!(
                "---\nname: {name}\niso: {iso}\nregion: {}\ncapital: {} City\n---\n{}\n",
                rng.pick(REGIONS),
                name,
                sentence(&mut rng, 20, Some(name))
            ),
        )?;
    }
    // Dossier fields draw on their own generator, so the rest of the
    // corpus stays what it was before they were added.
    let mut dossier = Rng::new(11);
    for (i, (name, country)) in c.leaders.iter().enumerate() {
        let office = rng.pick(OFFICES);
        let from = 2010 + rng.below(14);
        let earlier = if i % 3 == 0 && dossiers {
            format!(
                "  - office: Minister of {}\n    from: {}\n    to: {from}\n",
                rng_word(&mut dossier),
                from - 1 - dossier.below(6)
            )
        } else {
            String::new()
        };
        fs::write(
            content
                .join("leaders")
                .join(format!("{}.md", briefing::text::slugify(name))),
            if dossiers {
                format!(
                    "---\nname: {name}\ncountry: {}\npositions:\n  - office: {office}\n    from: {from}\n{earlier}---\n{}\n",
                    c.countries[*country],
                    sentence(&mut rng, 20, None)
                )
            } else {
                format!(
                    "---\nname: {name}\ncountry: {}\noffice: {office}\nterm:\n  from: {from}\n---\n{}\n",
                    c.countries[*country],
                    sentence(&mut rng, 20, None)
                )
            },
        )?;
    }
    for (name, countries) in &c.crises {
        fs::write(
            content
                .join("crises")
                .join(format!("{}.md", briefing::text::slugify(name))),
            format!(
                "---\nname: {name}\nstatus: {}\nstarted: {}\ncountries: {}\n{}---\n{}\n",
                rng.pick(STATUSES),
                2000 + rng.below(23),
                list(countries.iter().map(|&x| c.countries[x].clone())),
                if dossiers {
                    crisis_dossier(&mut dossier)
                } else {
                    String::new()
                },
                sentence(&mut rng, 20, None)
            ),
        )?;
    }
    for a in &c.articles {
        let year = &a.date[..4];
        let folder = content.join("articles").join(year);
        fs::create_dir_all(&folder)?;
        fs::write(
            folder.join(format!("{}.md", a.slug)),
            format!("{}{}", front_matter(c, a), a.body),
        )?;
    }
    Ok(())
}

fn rng_word(rng: &mut Rng) -> &'static str {
    [
        "Defence",
        "Finance",
        "Foreign Affairs",
        "Interior",
        "Energy",
    ][rng.below(5)]
}

/// Six monthly assessments, two figures and two key dates, as a tracker
/// keeps them.
fn crisis_dossier(rng: &mut Rng) -> String {
    let trends = ["deteriorated", "improved", "unchanged"];
    let mut out = String::from("assessments:\n");
    for month in 7..=12 {
        out.push_str(&format!(
            "  - month: 2024-{month:02}\n    trend: {}\n{}    note: Fixture assessment.\n",
            trends[rng.below(3)],
            if rng.below(5) == 0 {
                "    alert: risk\n"
            } else {
                ""
            }
        ));
    }
    out.push_str(&format!(
        "figures:\n  - metric: displaced\n    value: {}\n    as_of: 2024-11\n    source: {{name: Bench source, url: \"https://bench.example.org/a\"}}\n  - metric: displaced\n    min: {}\n    max: {}\n    as_of: 2024-06\n    source: {{name: Bench source, url: \"https://bench.example.org/b\"}}\n",
        1000 * (1 + rng.below(500)),
        1000 * (1 + rng.below(100)),
        1000 * (101 + rng.below(100)),
    ));
    out.push_str(&format!(
        "dates:\n  - date: 2024-{:02}-{:02}\n    title: Fixture vote\n    kind: vote\n  - date: 2025-{:02}-{:02}\n    title: Fixture mandate expiry\n    kind: mandate expiry\n",
        1 + rng.below(12),
        1 + rng.below(28),
        1 + rng.below(12),
        1 + rng.below(28),
    ));
    out
}

/// Write the same articles as a Hugo site with taxonomies for countries,
/// leaders, crises and tags, and minimal layouts that list the terms and
/// their pages.
pub fn write_hugo_site(c: &Corpus, dir: &Path) -> io::Result<()> {
    let content = dir.join("content/articles");
    fs::create_dir_all(&content)?;
    fs::write(
        dir.join("config.toml"),
        "baseURL = \"https://bench.example.org/\"\ntitle = \"Benchmark corpus\"\ndisableKinds = []\n\
         [taxonomies]\n  country = \"countries\"\n  leader = \"leaders\"\n  crisis = \"crises\"\n  tag = \"tags\"\n\
         [markup.goldmark.renderer]\n  unsafe = false\n",
    )?;
    let layouts = dir.join("layouts/_default");
    fs::create_dir_all(&layouts)?;
    fs::write(
        layouts.join("baseof.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    )?;
    fs::write(
        layouts.join("single.html"),
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time datetime=\"{{ .Date.Format \"2006-01-02\" }}\">{{ .Date.Format \"2 January 2006\" }}</time>{{ .Content }}\
         {{ range $taxonomy, $terms := .Site.Taxonomies }}{{ with $.GetTerms $taxonomy }}<p>{{ $taxonomy }}: {{ range . }}<a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}{{ end }}</article>{{ end }}\n",
    )?;
    fs::write(
        layouts.join("list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ end }}\n",
    )?;
    fs::write(
        layouts.join("terms.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n",
    )?;
    fs::write(
        layouts.join("term.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    )?;
    fs::write(
        dir.join("layouts/index.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Site.Title }}</title></head><body><ul>{{ range first 20 .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
    )?;
    for a in &c.articles {
        // Hugo links between pages with ref shortcodes; plain .md links and
        // wikilinks would be left as written, so drop that last line.
        let body = a
            .body
            .lines()
            .filter(|l| !l.starts_with("Earlier:"))
            .collect::<Vec<_>>()
            .join("\n");
        fs::write(
            content.join(format!("{}.md", a.slug)),
            format!("{}{}\n", front_matter(c, a), body),
        )?;
    }
    Ok(())
}

/// Write the corpus as a Zola site in `dir`: the same articles, the four
/// kinds of entity as taxonomies with a paginated page and a feed per term
/// (as briefing has), and Zola's search index, as briefing builds one.
/// Minimal templates, like the Hugo copy's.
pub fn write_zola_site(c: &Corpus, dir: &Path) -> io::Result<()> {
    let content = dir.join("content/articles");
    fs::create_dir_all(&content)?;
    let taxonomy =
        |name: &str| format!("  {{ name = \"{name}\", feed = true, paginate_by = 20 }},\n");
    fs::write(
        dir.join("config.toml"),
        format!(
            "base_url = \"https://bench.example.org/\"\ntitle = \"Benchmark corpus\"\n\
             generate_feeds = true\nfeed_limit = 20\nbuild_search_index = true\ntaxonomies = [\n{}{}{}{}]\n",
            taxonomy("countries"),
            taxonomy("leaders"),
            taxonomy("crises"),
            taxonomy("tags")
        ),
    )?;
    fs::write(dir.join("content/_index.md"), "+++\n+++\n")?;
    fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Briefings\"\nsort_by = \"date\"\npaginate_by = 20\n+++\n",
    )?;
    let templates = dir.join("templates");
    fs::create_dir_all(&templates)?;
    let page = |title: &str, main: &str| {
        format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><main>{main}</main></body></html>\n")
    };
    let files = [
        ("index.html", page("{{ config.title }}", "{% set s = get_section(path=\"articles/_index.md\") %}<ul>{% for p in s.pages | slice(end=20) %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>")),
        ("section.html", page("{{ section.title }}", "<h1>{{ section.title }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}</ul>")),
        ("page.html", page("{{ page.title }}", "<article><h1>{{ page.title }}</h1><time datetime=\"{{ page.date }}\">{{ page.date | date(format=\"%-d %B %Y\") }}</time>{{ page.content | safe }}{% for tax, terms in page.taxonomies %}<p>{{ tax }}: {% for t in terms %}<a href=\"{{ get_taxonomy_url(kind=tax, name=t) }}\">{{ t }}</a> {% endfor %}</p>{% endfor %}</article>")),
        ("taxonomy_list.html", page("{{ taxonomy.name }}", "<h1>{{ taxonomy.name }}</h1><ul>{% for t in terms %}<li><a href=\"{{ t.permalink }}\">{{ t.name }}</a> ({{ t.page_count }})</li>{% endfor %}</ul>")),
        ("taxonomy_single.html", page("{{ term.name }}", "<h1>{{ term.name }}</h1><ul>{% if paginator %}{% set pages = paginator.pages %}{% else %}{% set pages = term.pages %}{% endif %}{% for p in pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>")),
    ];
    for (name, text) in files {
        fs::write(templates.join(name), text)?;
    }
    for a in &c.articles {
        // As in the Hugo copy: the last line's links are briefing's own.
        let body: Vec<&str> = a
            .body
            .lines()
            .filter(|l| !l.starts_with("Earlier:"))
            .collect();
        let front = front_matter(c, a).replacen("countries:", "taxonomies:\n  countries:", 1);
        let front = ["leaders:", "crises:", "tags:"].iter().fold(front, |f, k| {
            f.replacen(&format!("\n{k}"), &format!("\n  {k}"), 1)
        });
        fs::write(
            content.join(format!("{}.md", a.slug)),
            format!("{front}{}\n", body.join("\n")),
        )?;
    }
    Ok(())
}
