import { hasAny } from "../../lib/core/kusto.js";

/** The script-page extensions of the hunting query (`csUriStem has_any (...)`). */
export const SCRIPT_EXTENSIONS: readonly string[] = [
  ".php",
  ".jsp",
  ".js",
  ".aspx",
  ".asmx",
  ".asax",
  ".cfm",
  ".shtml",
];

/** True when the page is a script page by the query's rule (Kusto term matching, docs/design.md §2, B8). */
export function isScriptPage(stem: string): boolean {
  return hasAny(stem, SCRIPT_EXTENSIONS);
}

/** Pages of one web application: popular script pages (each seeded with many clients) and other files. */
export interface PageSet {
  scriptPages: readonly string[];
  otherPages: readonly string[];
}

/** The public shop (`www`), served by a web farm. `data.json` is a trap for "ends with .js" matching. */
export const WWW_PAGES: PageSet = {
  scriptPages: [
    "/default.aspx",
    "/login.aspx",
    "/logout.aspx",
    "/search.aspx",
    "/products/list.aspx",
    "/products/detail.aspx",
    "/cart/view.aspx",
    "/cart/checkout.aspx",
    "/account/profile.aspx",
    "/account/orders.aspx",
    "/contact.aspx",
    "/scripts/site.js",
    "/scripts/jquery-3.7.1.min.js",
    "/scripts/bootstrap.bundle.min.js",
  ],
  otherPages: [
    "/",
    "/css/site.css",
    "/css/bootstrap.min.css",
    "/images/logo.png",
    "/images/banner.jpg",
    "/images/icons/cart.svg",
    "/favicon.ico",
    "/robots.txt",
    "/sitemap.xml",
    "/fonts/segoeui.woff2",
    "/WebResource.axd",
    "/ScriptResource.axd",
    "/about.html",
    "/products/data.json",
  ],
};

/** The SOAP API site. `.svc` and extension-less routes are not script pages. */
export const API_PAGES: PageSet = {
  scriptPages: [
    "/api/orders.asmx",
    "/api/orders.asmx/GetOrder",
    "/api/customers.asmx",
    "/api/customers.asmx/Find",
    "/api/inventory.asmx/GetStock",
  ],
  otherPages: ["/api/health", "/services/auth.svc", "/api/v2/orders", "/swagger/index.html"],
};

/** The employee portal published through a load balancer. */
export const PORTAL_PAGES: PageSet = {
  scriptPages: [
    "/portal/default.aspx",
    "/portal/login.aspx",
    "/portal/reports.aspx",
    "/portal/reports/export.aspx",
    "/portal/timesheet.aspx",
    "/portal/scripts/portal.js",
  ],
  otherPages: ["/portal/", "/portal/css/portal.css", "/portal/images/logo.png", "/favicon.ico"],
};

/** An old intranet with PHP, ColdFusion and SSI pages. */
export const INTRANET_PAGES: PageSet = {
  scriptPages: ["/index.php", "/news.php", "/directory/search.php", "/hr/forms.cfm", "/intranet/home.shtml"],
  otherPages: ["/", "/styles/main.css", "/img/header.gif", "/docs/handbook.pdf", "/favicon.ico"],
};

/** Script pages scanners probe: rare, so benign traffic requests them only away from commands. */
export const SCANNER_SCRIPT_PAGES: readonly string[] = [
  "/wp-login.php",
  "/xmlrpc.php",
  "/phpinfo.php",
  "/admin/index.php",
  "/phpmyadmin/index.php",
  "/shell.php",
  "/cmd.jsp",
  "/manager/html/upload.jsp",
  "/ecp/default.aspx",
  "/Telerik.Web.UI.DialogHandler.aspx",
];
/** Non-script paths scanners probe (harmless anywhere: only script pages can be shells). */
export const SCANNER_OTHER_PAGES: readonly string[] = [
  "/.env",
  "/.git/config",
  "/wp-admin/",
  "/cgi-bin/luci",
  "/server-status",
  "/HNAP1/",
  "/actuator/health",
  "/.aws/credentials",
  "/config.json",
  "/autodiscover/autodiscover.json",
];

const LONG_TAIL_SCRIPT = [
  (i: number) => `/kb/article-${i}.aspx`,
  (i: number) => `/news/${2019 + (i % 7)}/story-${i}.php`,
  (i: number) => `/products/legacy/item${i}.aspx`,
  (i: number) => `/docs/page${i}.shtml`,
  (i: number) => `/reports/r${i}.cfm`,
];
const LONG_TAIL_PATTERN =
  /^\/(kb\/article-\d+\.aspx|news\/\d{4}\/story-\d+\.php|products\/legacy\/item\d+\.aspx|docs\/page\d+\.shtml|reports\/r\d+\.cfm|images\/products\/\d+\.jpg)$/;
/** Applications that put a record's id in the path, as the high-cardinality profile's long tail. */
const ID_PATH_SCRIPT = [
  (id: number) => `/portal/orders/${id}/view.aspx`,
  (id: number) => `/shop/products/${id}/detail.aspx`,
  (id: number) => `/api/v1/customers/${id}/profile.php`,
  (id: number) => `/members/${id}/edit.jsp`,
  (id: number) => `/support/tickets/${id}/history.cfm`,
];
/** Folders put before an id-path page with `pageDepth` (capitalised, as many sites write them), the first with an id. */
const DEPTH_FOLDERS = [
  "Tenants",
  "Workspaces",
  "Archive",
  "Documents",
  "Revisions",
  "Attachments",
  "Preview",
  "Shared",
  "Exports",
  "History",
  "Drafts",
  "Public",
];
export const MAX_PAGE_DEPTH = DEPTH_FOLDERS.length;
// Matched on lower-cased pages: the folders as `idPathScriptPage` writes them, lowered, the first with its id.
const DEPTH_FOLDER_PATTERN = DEPTH_FOLDERS.map((name, i) =>
  i === 0 ? `${name.toLowerCase()}/t[0-9a-f]+` : name.toLowerCase(),
).join("|");
/**
 * Folders in other scripts, each with a capital so that lowering changes its bytes (Cyrillic, Greek, Turkish,
 * Japanese, which has no case): put before a share of id-path pages (`GenerateOptions.nonLatinShare`).
 */
const NON_LATIN_FOLDERS = ["Документы", "Προϊόντα", "Ürünler", "製品/詳細"];
const NON_LATIN_PATTERN = NON_LATIN_FOLDERS.map((name) => name.toLowerCase()).join("|");
const ID_PATH_PATTERN = new RegExp(
  `^(?:/(?:${NON_LATIN_PATTERN}))?(?:/(?:${DEPTH_FOLDER_PATTERN}))*` +
    "/(portal/orders/\\d+/view\\.aspx|shop/products/\\d+/detail\\.aspx|api/v1/customers/\\d+/profile\\.php|" +
    "members/\\d+/edit\\.jsp|support/tickets/\\d+/history\\.cfm)$",
);

/** The i-th page of the long tail of rarely requested script pages (computed, so huge sets store nothing). */
export function longTailScriptPage(index: number): string {
  const make = LONG_TAIL_SCRIPT[index % LONG_TAIL_SCRIPT.length] ?? LONG_TAIL_SCRIPT[0];
  return make === undefined ? "/" : make(index);
}

/**
 * The i-th page of an id-path long tail (`/portal/orders/918273/view.aspx`): a different page for every index, ids
 * of six digits or more; `depth` folders before it make it longer (six: about 110 bytes).
 */
export function idPathScriptPage(index: number, depth = 0, nonLatinShare = 0): string {
  const make = ID_PATH_SCRIPT[index % ID_PATH_SCRIPT.length] ?? ID_PATH_SCRIPT[0]!;
  // Indexes of one application differ in ⌊index / 5⌋, so (⌊index / 5⌋ · 3 + index mod 3) tells them apart.
  const id = 100_003 + Math.floor(index / ID_PATH_SCRIPT.length) * 3 + (index % 3);
  const folders = DEPTH_FOLDERS.slice(0, depth).map((name, i) =>
    i === 0 ? `/${name}/T${(id % 4093).toString(16)}` : `/${name}`,
  );
  // Which pages are under a folder in another script follows from the index (a multiplicative hash), not from a
  // random draw: a page is always written the same way, and sets made without the option stay as they were.
  if (nonLatinShare > 0 && Math.imul(index, 0x9e3779b1) >>> 0 < nonLatinShare * 2 ** 32)
    folders.unshift(`/${NON_LATIN_FOLDERS[index % NON_LATIN_FOLDERS.length]!}`);
  return folders.join("") + make(id);
}

/** The i-th rarely requested image. */
export function longTailImage(index: number): string {
  return `/images/products/${index}.jpg`;
}

const CATALOG = new Set(
  [WWW_PAGES, API_PAGES, PORTAL_PAGES, INTRANET_PAGES]
    .flatMap((set) => [...set.scriptPages, ...set.otherPages])
    .concat(SCANNER_SCRIPT_PAGES, SCANNER_OTHER_PAGES)
    .map((page) => page.toLowerCase()),
);

/**
 * True when benign traffic can request this page (case-insensitively). Planted rare pages must not be: their
 * client count in the ground truth is then exactly the planted one.
 */
export function isBenignPage(stem: string): boolean {
  const lower = stem.toLowerCase();
  return CATALOG.has(lower) || LONG_TAIL_PATTERN.test(lower) || ID_PATH_PATTERN.test(lower);
}
