import type { GenerateOptions } from "./GenerateOptions.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";

/** Distinct clients every popular script page gets, whatever the size of the set (the threshold is 3). */
export const SEED_CLIENTS = 5;

/**
 * Makes every popular script page popular by construction: each is requested by {@link SEED_CLIENTS} distinct
 * benign clients at random times. Benign traffic near commands may then use these pages freely: they can never
 * pass the rarity rule, so no benign request is ever attributed.
 */
export function plantPopularitySeeds(s: ScenarioBuilder, options: GenerateOptions): void {
  const seeded = new Set<string>();
  const span = options.days * 86_400;
  for (const host of s.topology.iisHosts) {
    for (const site of host.sites) {
      for (const page of site.pages.scriptPages) {
        if (seeded.has(page.toLowerCase())) continue;
        seeded.add(page.toLowerCase());
        const clients = new Set<string>();
        while (clients.size < SEED_CLIENTS) {
          const client = s.benignClient();
          if (clients.has(client.ip)) continue;
          clients.add(client.ip);
          s.request(host, options.start + s.random.int(span) * 1000, { site, stem: page, client });
        }
      }
    }
  }
}
