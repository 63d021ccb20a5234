import type { Page } from "@playwright/test";
import { test, expect, signIn, USERS } from "./fixtures";
import { EMULATOR_URL } from "../playwright.config";

/** The page's JS heap after a full garbage collection, and its DOM counters. */
async function footprint(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const { nodes, jsEventListeners } = await cdp.send("Memory.getDOMCounters");
  await cdp.detach();
  return { heap: usedSize, nodes, listeners: jsEventListeners };
}

test("a page left open through 200 bursts of events does not grow", async ({ page, request }) => {
  test.setTimeout(300_000);
  await signIn(page, USERS.admin.email, "/events");
  await expect(page.getByTestId("live-feed")).toHaveAttribute("data-connected", "true");
  const api = { headers: { Authorization: "Bearer sk_test_emulator" } };
  const orgs = await (await request.get(`${EMULATOR_URL}/organizations?limit=10`, api)).json();
  const acme = orgs.data.find((o: { name: string }) => o.name === "Acme Corp");
  const region = page.locator('[data-live="events"]');
  // One burst: WorkOS reports a change, the page's live region is swapped for
  // the server's fresh rendering (its 25 events, each with its payload island).
  const burst = async (i: number) => {
    const res = await request.put(`${EMULATOR_URL}/organizations/${acme.id}`, { ...api, data: { name: `Acme Corp ${i}` } });
    expect(res.ok()).toBeTruthy();
    await expect(region.getByText(`The organization Acme Corp ${i} was updated`, { exact: true })).toBeVisible();
  };
  for (let i = 1; i <= 25; i++) await burst(i);
  const warm = await footprint(page);
  for (let i = 26; i <= 200; i++) await burst(i);
  const after = await footprint(page);
  console.log(`after 25 bursts: ${JSON.stringify(warm)}; after 200: ${JSON.stringify(after)}`);
  // What 175 more bursts may add: noise, not 175 × a page of islands.
  expect(after.heap - warm.heap, "JS heap growth (bytes) over 175 bursts").toBeLessThan(1_000_000);
  expect(after.listeners - warm.listeners, "event listeners added over 175 bursts").toBeLessThan(50);
  expect(after.nodes - warm.nodes, "DOM nodes added over 175 bursts").toBeLessThan(2_000);
  // And the page still works: a payload opens.
  await region.locator('li[data-event="organization.updated"]').first().locator("summary", { hasText: "Show payload" }).click();
  await expect(region.getByTestId("payload").first()).toContainText(`"name": "Acme Corp 200"`);
});
