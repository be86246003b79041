/**
 * GitHub workflow commands, exactly: `::error file=F,line=L,col=C,title=T::message`,
 * `::warning`, `::notice`; `%`, CR and LF escaped in messages, and `:` and `,`
 * too in property values (the Actions toolkit's escaping).
 */
import { describe, expect, it } from "vitest";
import { escapeData, escapeProperty, formatGitHub, githubCommand } from "./github.js";
import { diagnosticItem } from "./report-item.js";

describe("GitHub workflow commands", () => {
  it("writes an error with file, line and column", () => {
    const line = githubCommand(
      diagnosticItem({
        severity: "error",
        code: "FieldValueInvalid",
        message: "Invalid value: 99999: must be between 1 and 65535, inclusive",
        file: "k8s/svc.yaml",
        line: 7,
        col: 11,
        kind: "Service",
        namespace: "default",
        name: "web",
        field: "spec.ports[0].port",
      }),
    );
    expect(line).toBe(
      "::error file=k8s/svc.yaml,line=7,col=11,title=michi FieldValueInvalid::Service default/web: spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive",
    );
  });

  it("maps levels to error, warning and notice", () => {
    const text = formatGitHub([
      { ruleId: "A", level: "error", message: "e" },
      { ruleId: "B", level: "warning", message: "w", file: "f.yaml", line: 1 },
      { ruleId: "C", level: "note", message: "n" },
    ]);
    expect(text).toBe(
      "::error title=michi A::e\n::warning file=f.yaml,line=1,title=michi B::w\n::notice title=michi C::n\n",
    );
  });

  it("escapes %, CR and LF in the message and also : and , in properties", () => {
    expect(escapeData("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext: a,b");
    expect(escapeProperty("C:\\dir,x\n%")).toBe("C%3A\\dir%2Cx%0A%25");
    const line = githubCommand({
      ruleId: "diff/route",
      level: "warning",
      message: "line one\nline two: 50%",
      file: "dir,with:odd/name.yaml",
      line: 3,
      col: 5,
    });
    expect(line).toBe(
      "::warning file=dir%2Cwith%3Aodd/name.yaml,line=3,col=5,title=michi diff/route::line one%0Aline two: 50%25",
    );
    // One command per line, whatever the message held.
    expect(line.split("\n")).toHaveLength(1);
  });

  it("escapes % first, so an escape sequence in the input survives as text", () => {
    expect(escapeData("%0A")).toBe("%250A");
    expect(escapeProperty("%2C")).toBe("%252C");
  });
});
