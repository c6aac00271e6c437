// The second, independent reader of every calendar the example and the
// fixture sites write: Mozilla's ical.js (the first is the icalendar crate,
// in tests/calendars.rs). Author text must come back as one value: a kind
// with a comma is one category, a newline cannot end the calendar.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ICAL from "ical.js";
import { root, site } from "./example_site.mjs";

// NAME is TEXT (RFC 7986, which ical.js's default design predates).
ICAL.design.icalendar.property.name = { defaultType: "text" };

const binary = join(root, "target", "debug", "briefing");

/// Every .ics file under `dir`.
function calendars(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...calendars(path));
    else if (name.endsWith(".ics")) out.push(path);
  }
  return out;
}

/// Build a fixture into a fresh folder; null when it does not build alone.
function built(fixture) {
  const out = mkdtempSync(join(tmpdir(), "briefing-ics-"));
  try {
    execFileSync(binary, ["build", join(root, "tests", "fixtures", fixture), "--output", out], { stdio: "ignore" });
    return out;
  } catch {
    return null;
  }
}

function parse(path) {
  const component = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  assert.equal(component.name, "vcalendar", path);
  return component;
}

test("ical.js reads every calendar of the example and the fixtures", () => {
  assert.ok(existsSync(binary), "cargo build first (scripts/test.sh does)");
  const outputs = [site];
  for (const fixture of readdirSync(join(root, "tests", "fixtures"))) {
    if (fixture.startsWith("fail-")) continue;
    const out = built(fixture);
    if (out) outputs.push(out);
  }
  let count = 0;
  for (const out of outputs) {
    for (const path of calendars(out)) {
      const cal = parse(path);
      for (const event of cal.getAllSubcomponents("vevent")) {
        assert.ok(event.getFirstPropertyValue("uid"), `${path}: an event without a UID`);
        const start = event.getFirstPropertyValue("dtstart");
        assert.ok(start && start.isDate, `${path}: an event that is not all-day`);
      }
      count++;
    }
  }
  assert.ok(count >= 15, `only ${count} calendars were read`);
});

test("ical.js reads author text back as it was written", () => {
  const out = built("calendar-text");
  assert.ok(out, "the calendar-text fixture builds");
  const cal = parse(join(out, "calendar.ics"));
  assert.equal(cal.getFirstPropertyValue("name"), "Desk; East, Africa \\ notes: key dates");
  const events = cal.getAllSubcomponents("vevent");
  assert.equal(events.length, 4);
  const categories = events.map((e) => e.getFirstProperty("categories")?.getValues() ?? []);
  assert.deepEqual(categories[0], ["vote\nEND:VCALENDAR"]);
  assert.deepEqual(categories[1], ["vote, final"]);
  assert.equal(events[0].getFirstPropertyValue("summary"), "Vote, recount; appeal: A fixture vote");
  const last = events[3];
  assert.equal(last.getFirstPropertyValue("dtstart").toString(), "9999-12-31");
  assert.equal(last.getFirstProperty("dtend"), null);
});
