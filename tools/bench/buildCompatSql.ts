import type { FileLayout } from "./readFirstLayout.js";

/**
 * Columns declared for every file: wider than any IIS layout, so that lines of a later, longer `#Fields` block
 * still read (`null_padding` fills the missing ones of shorter lines).
 */
const COLUMNS = 32;

/**
 * The compat correlation (the original hunting query, defects included: docs/design.md §2) as one DuckDB query over the
 * W3C files, given the two sides of the query's entity join: `files` (`timeKey` BIGINT epoch ms, `hostName`,
 * `imageName`, `id`) and `processes` (`ref`, `commandLine`). Files are read with `read_csv` (space-delimited, no
 * quoting, `#` lines skipped), one scan per distinct layout:
 *
 * - `commands`: files joined to processes on `$id` = `$ref` across alerts (B2), as the query's `commandKeyedData`;
 * - `script`: requests whose `cs-uri-stem` has one of the script extensions as a Kusto term (`has_any`: after
 *   lower-casing, the term followed by no ASCII letter or digit), `-` read as empty, user agents as logged;
 * - `baseline`: distinct client IPs per exact `cs-uri-stem` (the query's `dcount(SourceIP) by PageAccessed`; only
 *   script pages can join it, so only they are counted);
 * - `groups`: each request in the three 30 s bins from `bin(t - 1m)` to `bin(t)` (the query's `mv-expand`, here
 *   `unnest`), kept where a command waits on that host and bin (an equi-join, as the query's), grouped by site,
 *   host, IP, user agent, page and bin, with min and max time;
 * - `joined`: joined to the commands on bin and exact host name, with `(StartTime - EndTime) between (0 .. 1m)`,
 *   and the baseline's `<= 3` (the query applies it after its summarize; a page's count does not depend on the
 *   join, so applying it first gives the same rows, and keeps the cross-alert join from multiplying the groups of
 *   popular pages: applied last, it took 441 s and 18 GB on the 10M high-cardinality set, first 8–34 s and 1.6 GB);
 * - the final `summarize` by page, image, command line, host, IP and timestamp.
 *
 * Filename and first directory are functions of the page, so grouping by them too changes nothing: left out.
 */
export function buildCompatSql(layouts: readonly FileLayout[], threshold: number): string {
  const groups = new Map<string, string[]>();
  for (const { path, positions } of layouts) {
    const key = positions.join(",");
    groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  const scans = [...groups].map(([key, paths]) => scan(key.split(",").map(Number), paths));
  const dash = (column: string) => `CASE WHEN ${column} = '-' THEN '' ELSE ${column} END`;
  return `WITH raw AS (
  ${scans.join("\n  UNION ALL\n  ")}
),
script AS MATERIALIZED (
  SELECT ${dash("site")} AS site, ${dash("host")} AS host, ${dash("ip")} AS ip,
         ${dash("ua")} AS ua, stem,
         epoch_ms(CAST(d || ' ' || t AS TIMESTAMP)) AS ms
  FROM raw
  WHERE regexp_matches(lower(stem), '\\.(php|jsp|js|aspx|asmx|asax|cfm|shtml)([^0-9a-z]|$)')
),
baseline AS (SELECT stem, count(DISTINCT ip) AS ips FROM script GROUP BY stem),
commands AS (
  SELECT DISTINCT f.timeKey, f.hostName, f.imageName, p.commandLine FROM files f JOIN processes p ON p.ref = f.id
),
waiting AS (SELECT DISTINCT timeKey, hostName FROM files),
binned AS (
  SELECT *, unnest([(ms // 30000) * 30000 - 60000, (ms // 30000) * 30000 - 30000, (ms // 30000) * 30000]) AS timeKey
  FROM script
),
groups AS (
  SELECT site, host, ip, ua, stem, b.timeKey, min(ms) AS startMs, max(ms) AS endMs
  FROM binned b JOIN waiting w ON w.hostName = b.host AND w.timeKey = b.timeKey
  GROUP BY ALL
),
joined AS (
  SELECT g.*, b.ips, c.imageName, c.commandLine, c.hostName
  FROM groups g JOIN baseline b USING (stem) JOIN commands c ON c.timeKey = g.timeKey AND c.hostName = g.host
  WHERE (g.startMs - g.endMs) BETWEEN 0 AND 60000 AND b.ips <= ${threshold}
)
SELECT stem, imageName, commandLine, hostName, ip, startMs, list_sort(list_distinct(list(site))) AS sites,
       min(ua) AS ua, any_value(ips) AS ips
FROM joined GROUP BY stem, imageName, commandLine, hostName, ip, startMs`;
}

/** One `read_csv` over files that share a layout, naming the compat fields (`''` for one not logged). */
function scan(positions: readonly number[], paths: readonly string[]): string {
  const [d, t, site, host, ip, ua, stem] = positions.map((at) => (at < 0 ? "''" : `c${at}`));
  const columns = Array.from({ length: COLUMNS }, (_, i) => `'c${i}': 'VARCHAR'`).join(", ");
  const files = paths.map((path) => `'${path.replaceAll("'", "''")}'`).join(", ");
  return (
    `SELECT ${d} AS d, ${t} AS t, ${site} AS site, ${host} AS host, ${ip} AS ip, ${ua} AS ua, ${stem} AS stem ` +
    `FROM read_csv([${files}], delim = ' ', quote = '', escape = '', header = false, comment = '#', ` +
    `auto_detect = false, null_padding = true, columns = {${columns}})`
  );
}
