import { describe, expect, it } from "vitest";

import { advanceWatermark } from "../../../lib/job/advanceWatermark.js";
import { MemoryCheckpoints } from "./memoryAdapters.js";

describe("advanceWatermark", () => {
  it("creates, then moves forward on the expected ETag", async () => {
    const store = new MemoryCheckpoints();
    const first = await advanceWatermark(store, "job", 100, undefined);
    const second = await advanceWatermark(store, "job", 200, first);
    expect(second.value).toBe(200);
  });

  it("never moves backwards when another run got further first", async () => {
    const store = new MemoryCheckpoints();
    const start = await advanceWatermark(store, "job", 100, undefined);
    await advanceWatermark(store, "job", 300, start); // the other run
    const mine = await advanceWatermark(store, "job", 200, start); // stale ETag: re-read, keep 300
    expect(mine.value).toBe(300);
    expect((await store.read("job"))?.value).toBe(300);
  });

  it("moves forward past a run that got less far", async () => {
    const store = new MemoryCheckpoints();
    const start = await advanceWatermark(store, "job", 100, undefined);
    await advanceWatermark(store, "job", 150, start);
    expect((await advanceWatermark(store, "job", 200, start)).value).toBe(200);
  });
});
