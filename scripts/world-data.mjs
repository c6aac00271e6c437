// Writes src/geo/world.txt, the world map's data, from Natural Earth's
// country shapes (npm `world-atlas`, public domain) and the ISO 3166-1
// table with English names (npm `i18n-iso-countries`, MIT).
//
// Run at development time, not at build time: `node scripts/world-data.mjs`.
// The output is committed and compiled into the binary, so a build needs
// neither npm nor the network. `scripts/test.sh` re-runs this script with
// `--out` and fails if its output differs from the committed file.
//
// What it does:
// - decodes the 1:50m TopoJSON into rings of longitude/latitude;
// - projects them with Equal Earth (Šavrič, Patterson and Jenny, 2018), an
//   equal-area projection, into a frame 1000 units wide, stored at 0.1 unit
//   as integers;
// - drops Antarctica and cuts the frame at 60° south, where no country is;
// - drops consecutive points that round to the same place;
// - for an ISO country that has no 1:50m shape (the smallest islands), takes
//   its position from the 1:10m shapes, so the map can still draw a dot.
//
// Line format, one country a line, tab-separated:
//   alpha2  alpha3  numeric  name  names  x,y  rings
// names: other English names, `|`-separated; x,y: the label point (the
// centre of the largest ring's bounding box); rings: `;`-separated, each
// `x,y dx,dy dx,dy …` (the first point absolute, then differences).

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const atlas50 = require("world-atlas/countries-50m.json");
const atlas10 = require("world-atlas/countries-10m.json");
const codes = require("i18n-iso-countries/codes.json");
const english = require("i18n-iso-countries/langs/en.json").countries;
const atlasVersion = require("world-atlas/package.json").version;
const isoVersion = require("i18n-iso-countries/package.json").version;

const WIDTH = 1000;
const PRECISION = 10; // stored units per frame unit
const SOUTH = -60;

// Equal Earth, in radians; returns [x, y] with y up.
const A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796;
const M = Math.sqrt(3) / 2;
function equalEarth(lon, lat) {
  const l = (lon * Math.PI) / 180, p = (lat * Math.PI) / 180;
  const t = Math.asin(M * Math.sin(p)), t2 = t * t, t6 = t2 * t2 * t2;
  const x = (l * Math.cos(t)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [x, y];
}
const [XMAX] = equalEarth(180, 0);
const [, YMAX] = equalEarth(0, 90);
const [, YSOUTH] = equalEarth(0, SOUTH);
const SCALE = WIDTH / (2 * XMAX);
const HEIGHT = Math.round((YMAX - YSOUTH) * SCALE);
function project(lon, lat) {
  const [x, y] = equalEarth(lon, Math.max(lat, SOUTH));
  return [Math.round((x + XMAX) * SCALE * PRECISION), Math.round((YMAX - y) * SCALE * PRECISION)];
}

function decodeArcs(topo) {
  const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
  return topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      x += dx; y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}

function ringOf(arcs, indices) {
  const ring = [];
  for (const i of indices) {
    const arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    for (let k = ring.length ? 1 : 0; k < arc.length; k++) ring.push(arc[k]);
  }
  return ring;
}

function polygonsOf(geometry) {
  if (geometry.type === "Polygon") return [geometry.arcs];
  if (geometry.type === "MultiPolygon") return geometry.arcs;
  return [];
}

// The shapes are spherical: a ring may cross the antimeridian (Chukotka,
// Fiji), which a flat map must cut. Such a ring is unwrapped to run east
// past 180°, then clipped into its part west of the line and its part
// east of it, shifted back by 360°.
function crossesAntimeridian(ring) {
  return ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
}

function clipLongitude(ring, keep, at) {
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[(i + ring.length - 1) % ring.length], b = ring[i];
    const cross = () => [at, a[1] + ((b[1] - a[1]) * (at - a[0])) / (b[0] - a[0])];
    if (keep(b)) {
      if (!keep(a)) out.push(cross());
      out.push(b);
    } else if (keep(a)) {
      out.push(cross());
    }
  }
  return out;
}

function splitAtAntimeridian(ring) {
  if (!crossesAntimeridian(ring)) return [ring];
  const unwrapped = ring.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]);
  const west = clipLongitude(unwrapped, (p) => p[0] <= 180, 180);
  const east = clipLongitude(unwrapped, (p) => p[0] >= 180, 180).map(([lon, lat]) => [lon - 360, lat]);
  return [west, east].filter((r) => r.length >= 3);
}

// Projected, rounded rings, without repeated points; rings that collapse
// below three points are dropped.
function projectedRings(arcs, geometry) {
  const rings = [];
  for (const polygon of polygonsOf(geometry)) {
    for (const part of polygon.flatMap((indices) => splitAtAntimeridian(ringOf(arcs, indices)))) {
      const out = [];
      for (const [lon, lat] of part) {
        const p = project(lon, lat);
        const last = out[out.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
      }
      if (out.length >= 4) rings.push(out);
    }
  }
  return rings;
}

function bbox(ring) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y);
    x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

function area(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  }
  return Math.abs(a / 2);
}

function labelPoint(rings) {
  let best = null;
  for (const r of rings) if (!best || area(r) > area(best)) best = r;
  const [x0, y0, x1, y1] = bbox(best);
  return [Math.round((x0 + x1) / 2), Math.round((y0 + y1) / 2)];
}

function encodeRing(ring) {
  const parts = [`${ring[0][0]},${ring[0][1]}`];
  for (let i = 1; i < ring.length; i++) {
    parts.push(`${ring[i][0] - ring[i - 1][0]},${ring[i][1] - ring[i - 1][1]}`);
  }
  return parts.join(" ");
}

// Natural Earth's shapes without an ISO numeric code, placed by name.
const UNCODED = { Kosovo: "XK" };

function shapesByCode(topo) {
  const arcs = decodeArcs(topo);
  const out = new Map();
  for (const g of topo.objects.countries.geometries) {
    const code = g.id ? byNumeric.get(g.id) : UNCODED[g.properties.name];
    if (!code || code === "AQ") continue;
    const rings = projectedRings(arcs, g);
    if (rings.length) out.set(code, { name: g.properties.name, rings });
  }
  return out;
}

const byNumeric = new Map(codes.map(([a2, , num]) => [num, a2]));
byNumeric.set("-99", null);
const shapes50 = shapesByCode(atlas50);
const shapes10 = shapesByCode(atlas10);

const clean = (s) => s.replace(/[\t|;]/g, " ").trim();
const lines = [];
for (const [a2, a3, num] of codes) {
  if (a2 === "AQ") continue;
  const names = [english[a2]].flat().map(clean);
  const shape = shapes50.get(a2);
  const fallback = shape ? null : shapes10.get(a2);
  const neName = (shape || fallback)?.name;
  if (neName && !names.includes(neName)) names.push(clean(neName));
  const [name, ...others] = names;
  const point = shape ? labelPoint(shape.rings) : fallback ? labelPoint(fallback.rings) : null;
  const rings = shape ? shape.rings.map(encodeRing).join(";") : "";
  lines.push([a2, a3, num, name, others.join("|"), point ? point.join(",") : "", rings].join("\t"));
}

const header = [
  `# briefing world map data: written by scripts/world-data.mjs; do not edit.`,
  `# Shapes: Natural Earth 1:50m admin-0 countries (public domain, de facto boundaries), via world-atlas ${atlasVersion}.`,
  `# Names and codes: ISO 3166-1 via i18n-iso-countries ${isoVersion} (MIT).`,
  `# Projection: Equal Earth; frame ${WIDTH} x ${HEIGHT}, stored at 1/${PRECISION} unit; cut at ${-SOUTH}°S.`,
  `frame\t${WIDTH}\t${HEIGHT}\t${PRECISION}`,
];
// `--out PATH` writes elsewhere, so the test script can compare.
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? process.argv[outArg + 1] : new URL("../src/geo/world.txt", import.meta.url);
writeFileSync(out, header.concat(lines).join("\n") + "\n");
const placed = lines.filter((l) => l.split("\t")[5]).length;
console.error(`world.txt: ${lines.length} codes, ${placed} placed, ${shapes50.size} shapes`);
