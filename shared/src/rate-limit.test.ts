import { describe, expect, test } from "bun:test";
import { mikrotikRateLimit, type RateLimitPlan, routerOsRate } from "./rate-limit.ts";

describe("routerOsRate", () => {
  test.each([
    [1000, "1M"],
    [10000, "10M"],
    [20000, "20M"],
    [100000, "100M"],
    [1000000, "1000M"],
    [512, "512k"],
    [1, "1k"],
    [1500, "1500k"],
    // Binary megabits are not RouterOS's M: 10240 kbps is 10240k, not 10M.
    [10240, "10240k"],
    [999, "999k"],
  ])("%d kbps is %s", (kbps, text) => {
    expect(routerOsRate(kbps)).toBe(text);
  });

  test.each([0, -1024, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("%d is refused", (kbps) => {
    expect(() => routerOsRate(kbps)).toThrow(RangeError);
  });
});

const burst = (
  upload: number,
  download: number,
  burstUp: number,
  burstDown: number,
  thresholdUp: number,
  thresholdDown: number,
  seconds: number,
): RateLimitPlan => ({
  uploadKbps: upload,
  downloadKbps: download,
  burstUploadKbps: burstUp,
  burstDownloadKbps: burstDown,
  burstThresholdUploadKbps: thresholdUp,
  burstThresholdDownloadKbps: thresholdDown,
  burstTimeSeconds: seconds,
});

describe("mikrotikRateLimit", () => {
  test.each<[string, RateLimitPlan, string]>([
    ["upload first (rx), then download (tx)", { uploadKbps: 10000, downloadKbps: 20000 }, "10M/20M"],
    ["kbps that are not whole megabits", { uploadKbps: 512, downloadKbps: 1536 }, "512k/1536k"],
    ["symmetric", { uploadKbps: 50000, downloadKbps: 50000 }, "50M/50M"],
    [
      "no burst when every burst field is null",
      {
        uploadKbps: 2000,
        downloadKbps: 4000,
        burstUploadKbps: null,
        burstDownloadKbps: null,
        burstThresholdUploadKbps: null,
        burstThresholdDownloadKbps: null,
        burstTimeSeconds: null,
      },
      "2M/4M",
    ],
    ["with a burst", burst(5000, 10000, 10000, 20000, 4000, 8000, 16), "5M/10M 10M/20M 4M/8M 16/16"],
    ["burst in kbps", burst(256, 512, 512, 1000, 192, 384, 8), "256k/512k 512k/1M 192k/384k 8/8"],
  ])("%s", (_name, plan, expected) => {
    expect(mikrotikRateLimit(plan)).toBe(expected);
  });

  test.each<[string, RateLimitPlan]>([
    ["a burst rate without the rest", { uploadKbps: 1024, downloadKbps: 1024, burstDownloadKbps: 2048 }],
    [
      "a burst without its time",
      {
        uploadKbps: 1024,
        downloadKbps: 1024,
        burstUploadKbps: 2048,
        burstDownloadKbps: 2048,
        burstThresholdUploadKbps: 512,
        burstThresholdDownloadKbps: 512,
      },
    ],
    ["a zero burst time", burst(1024, 1024, 2048, 2048, 512, 512, 0)],
    ["a zero speed", { uploadKbps: 0, downloadKbps: 1024 }],
    ["a fractional speed", { uploadKbps: 1024, downloadKbps: 1024.5 }],
  ])("%s is refused", (_name, plan) => {
    expect(() => mikrotikRateLimit(plan)).toThrow(RangeError);
  });
});
