/** `michi ui --ui ADDR:PORT`: loopback addresses only. */
import { describe, expect, it } from "vitest";
import { parseLoopbackHostPort as parse } from "../common.js";

const parseLoopbackHostPort = (flag: string, text: string) => parse(flag, text, "the dashboard");

describe("parseLoopbackHostPort", () => {
  it("accepts loopback ADDR:PORT and refuses anything else", () => {
    expect(parseLoopbackHostPort("--ui", "127.0.0.1:7080")).toEqual({ host: "127.0.0.1", port: 7080 });
    expect(parseLoopbackHostPort("--ui", "127.9.8.7:0")).toEqual({ host: "127.9.8.7", port: 0 });
    expect(() => parseLoopbackHostPort("--ui", "0.0.0.0:7080")).toThrow(/loopback only/);
    expect(() => parseLoopbackHostPort("--ui", "192.168.1.2:7080")).toThrow(/loopback only/);
    expect(() => parseLoopbackHostPort("--ui", "localhost:7080")).toThrow(/expected ADDR:PORT/);
    expect(() => parseLoopbackHostPort("--ui", "127.0.0.1:70000")).toThrow(/expected ADDR:PORT/);
  });
});
