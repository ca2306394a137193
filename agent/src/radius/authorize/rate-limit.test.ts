import { describe, expect, test } from "bun:test";
import { plan } from "./authorize.fixtures.ts";
import { mikrotikRateLimit } from "./rate-limit.ts";

describe("Mikrotik-Rate-Limit from a plan (rx = the subscriber's upload, tx = its download)", () => {
  test.each([
    ["upload and download", {}, "2048k/10240k"],
    ["no limits at all", { uploadKbps: null, downloadKbps: null }, null],
    ["zero limits", { uploadKbps: 0, downloadKbps: 0 }, null],
    ["download only: upload unlimited (0)", { uploadKbps: null }, "0/10240k"],
    [
      "burst rates: thresholds and time left to RouterOS",
      { burstUploadKbps: 4096, burstDownloadKbps: 20480 },
      "2048k/10240k 4096k/20480k",
    ],
    [
      "every burst field",
      {
        burstUploadKbps: 4096,
        burstDownloadKbps: 20480,
        burstThresholdUploadKbps: 1536,
        burstThresholdDownloadKbps: 7680,
        burstTimeSeconds: 8,
      },
      "2048k/10240k 4096k/20480k 1536k/7680k 8/8",
    ],
    [
      "a burst time without thresholds: the rates stand in as thresholds (fields are positional)",
      { burstUploadKbps: 4096, burstDownloadKbps: 20480, burstTimeSeconds: 16 },
      "2048k/10240k 4096k/20480k 2048k/10240k 16/16",
    ],
    [
      "a burst in one direction: the other bursts to its own rate",
      { burstDownloadKbps: 20480, burstThresholdDownloadKbps: 8192, burstTimeSeconds: 10 },
      "2048k/10240k 2048k/20480k 2048k/8192k 10/10",
    ],
    [
      "burst thresholds without burst rates mean nothing",
      { burstThresholdUploadKbps: 100, burstTimeSeconds: 5 },
      "2048k/10240k",
    ],
  ] as const)("%s", (_, over, expected) => {
    expect(mikrotikRateLimit(plan(over))).toBe(expected);
  });
});
