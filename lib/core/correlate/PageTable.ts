import type { RequestLine } from "../model/RequestLine.js";
import { ByteKeyMap } from "./ByteKeyMap.js";

/**
 * What a correlator knows about each page (`cs-uri-stem`), found from the line's raw stem bytes: the entry is made
 * from the stem's text once, the first time those bytes are seen, and every later line of the page costs a hash of
 * its bytes, with no string built. Memory grows with distinct pages, as the baseline's does. Entries must not be
 * `undefined` (that reads as "not seen yet"): use `null` for "nothing to keep".
 */
export class PageTable<E extends object | null> {
  private readonly pages = new ByteKeyMap<E>();

  /** @param create the entry of a page, from its `csUriStem` (as the request would have it) */
  constructor(private readonly create: (stem: string) => E) {}

  /** The entry of the line's page. */
  of(line: RequestLine): E {
    const start = line.stemStart();
    const end = line.stemEnd();
    let entry = this.pages.get(line.buf, start, end);
    if (entry === undefined) {
      entry = this.create(line.text("csUriStem"));
      this.pages.set(line.buf, start, end, entry);
    }
    return entry;
  }
}
