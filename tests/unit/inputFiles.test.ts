// The files the program reads from people (stack files, catalogues, rule tests) are refused before
// they can cost much: over the size limit, not UTF-8, aliases that expand beyond it, a directory,
// or a path that leads out of the project. Each refusal names the file, or the field naming it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readStackFile } from "../../cli/stackFile";
import { ValidationError } from "../../core/errors";
import { parseYaml, type RefusedFile, YAML_LIMIT_BYTES } from "../../input/yamlFile";
import { allowFilesBeside, PROJECT_DIR, readProjectFile, readTextFile } from "../../pipeline/projectFiles";
import { aliasBomb } from "../support/hostileYaml";
import { tempDir } from "../support/tools";
import {
  assertHasIssue,
  assertRejects,
  baseCatalogueTexts,
  baseConfig,
  HEALTHCARE_FILE,
  inputWithHealthcareText,
  makeInput,
  PREFIX,
  STACK_FILE,
} from "./fixtures";

/** Runs `fn` and fails if the heap grew by more than `limitMb` while it ran. */
function withinHeap<T>(limitMb: number, fn: () => T): T {
  const before = process.memoryUsage().heapUsed;
  const result = fn();
  const grown = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  assert.ok(grown < limitMb, `the heap grew by ${grown.toFixed(0)} MB`);
  return result;
}

const BOMB =
  /^has aliases that would expand it beyond 1 MiB, the most a file may hold \(a YAML alias bomb\?\)/;
const TESTS_FILE = "alerts/tests/healthcare.yaml";

describe("YAML the program reads", () => {
  it("a catalogue with an alias bomb is refused at the catalogue, without expanding it", () => {
    const text = `${baseCatalogueTexts()[HEALTHCARE_FILE]}x-laughs:\n${aliasBomb("  ")}`;
    withinHeap(200, () =>
      assertRejects(inputWithHealthcareText(text), { file: HEALTHCARE_FILE, path: "", message: BOMB }),
    );
  });

  it("a rule tests file with an alias bomb is refused at the tests file", () => {
    const input = makeInput(baseConfig(), { ...baseCatalogueTexts(), [TESTS_FILE]: aliasBomb() });
    withinHeap(200, () => assertRejects(input, { file: TESTS_FILE, path: "", message: BOMB }));
  });

  it("one long string behind many aliases is counted at its length each time", () => {
    const text = `s: &s ${"x".repeat(200_000)}\nl: [${Array(6).fill("*s").join(", ")}]\n`;
    assert.match(String((parseYaml("f.yaml", text) as { message?: string }).message), BOMB);
  });

  it("aliases a file may use, such as one label set shared by two alerts, are kept", () => {
    const result = parseYaml(
      "f.yaml",
      "shared: &labels {alert_type: infra}\nfirst: *labels\nsecond: *labels\n",
    );
    assert.deepEqual(result, {
      ok: true,
      data: {
        shared: { alert_type: "infra" },
        first: { alert_type: "infra" },
        second: { alert_type: "infra" },
      },
    });
  });

  it("an alias inside the node it names is refused", () => {
    assert.deepEqual(parseYaml("f.yaml", "a: &a {b: *a}\n"), {
      ok: false,
      message: "has an alias that refers to a node containing it",
    });
  });

  it("aliases that nest a tree deeper than 100 levels are refused", () => {
    const nested = (inner: string) => `${"[".repeat(60)}${inner}${"]".repeat(60)}`;
    const text = `a: &a ${nested("x")}\nb: ${nested("*a")}\n`;
    assert.deepEqual(parseYaml("f.yaml", text), {
      ok: false,
      message: "nests deeper than 100 levels once its aliases are expanded",
    });
  });

  it("a catalogue over 1 MiB is refused, saying the limit", () => {
    const text = `# ${"x".repeat(YAML_LIMIT_BYTES)}\n${baseCatalogueTexts()[HEALTHCARE_FILE]}`;
    assertRejects(inputWithHealthcareText(text), {
      file: HEALTHCARE_FILE,
      path: "",
      message:
        /^is 1\.0 MiB; a file the program reads may be at most 1 MiB \(Kubernetes' limit on one object\)/,
    });
  });
});

describe("files on disk", () => {
  it("a file over the limit is refused by its size, unread", () => {
    const file = path.join(tempDir("input-files"), "sparse.yaml");
    // A sparse file: 64 MiB on paper, nothing on disk, and nothing read.
    fs.writeFileSync(file, "");
    fs.truncateSync(file, 64 * 1024 * 1024);
    const refused = withinHeap(20, () => readTextFile(file));
    assert.deepEqual(refused, {
      refused:
        "is 64.0 MiB; a file the program reads may be at most 1 MiB (Kubernetes' limit on one object), so it is refused unread",
      of: "content",
    });
  });

  it("bytes that are not UTF-8 are refused, naming the offset of the first", () => {
    const file = path.join(tempDir("input-files"), "latin1.yaml");
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from("summary: caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
    );
    assert.deepEqual(readTextFile(file), {
      refused: "is not UTF-8 at byte offset 12 (0xe9); save it as UTF-8",
      of: "content",
    });
  });

  it("a directory is refused as a path, not read", () => {
    assert.deepEqual(readTextFile(path.join(PROJECT_DIR, "alerts")), {
      refused: "is a directory, not a file",
      of: "path",
    });
  });

  it("a catalogue path leading out of the project is refused, relative or absolute", () => {
    for (const file of ["../outside.yaml", "alerts/../../outside.yaml", "/etc/hostname"]) {
      const read = readProjectFile(file);
      assert.equal(typeof read, "object", file);
      assert.match((read as { refused: string }).refused, /^is outside the project/, file);
    }
  });

  it("a symbolic link that leads out of the project and the stack file's directory is refused", () => {
    const outside = path.join(tempDir("input-files"), "elsewhere.yaml");
    fs.writeFileSync(outside, "groups: []\n");
    const dir = tempDir("input-files");
    allowFilesBeside(path.join(dir, "Pulumi.linked.yaml"));
    const link = path.join(dir, "linked.yaml");
    fs.symlinkSync(outside, link);
    const read = readProjectFile(link);
    assert.match(String((read as { refused?: string }).refused), /^is outside the project/);
  });

  it("a catalogue beside a stack file read from elsewhere is read", () => {
    const dir = tempDir("input-files");
    const catalogue = path.join(dir, "alerts", "sales.yaml");
    fs.mkdirSync(path.dirname(catalogue));
    fs.writeFileSync(catalogue, "groups: []\n");
    assert.equal(typeof readProjectFile(catalogue), "object", "not before its stack file is read");
    allowFilesBeside(path.join(dir, "Pulumi.elsewhere.yaml"));
    assert.equal(readProjectFile(catalogue), "groups: []\n");
  });

  it("the reader's refusals are reported at the field naming the file, or at the file", () => {
    const NOT_UTF8 = "is not UTF-8 at byte offset 3 (0xff); save it as UTF-8";
    const refusing = (refused: Record<string, RefusedFile>) => {
      const config = baseConfig();
      (config.verticals as { catalogue: string }[])[1].catalogue = "alerts";
      const input = makeInput(config, baseCatalogueTexts());
      const texts = input.readFile;
      input.readFile = (file) => (Object.hasOwn(refused, file) ? refused[file] : texts(file));
      return input;
    };
    const directory: RefusedFile = { refused: "is a directory, not a file", of: "path" };
    const error = assertRejects(
      refusing({ alerts: directory, [TESTS_FILE]: { refused: NOT_UTF8, of: "content" } }),
      {
        file: STACK_FILE,
        path: `${PREFIX}verticals[1].catalogue`,
        message: /^"alerts" is a directory, not a file$/,
      },
    );
    assertHasIssue(error, { file: TESTS_FILE, path: "", message: /^is not UTF-8 at byte offset 3/ });
    assertRejects(refusing({ alerts: directory, [HEALTHCARE_FILE]: { refused: NOT_UTF8, of: "content" } }), {
      file: HEALTHCARE_FILE,
      path: "",
      message: /^is not UTF-8 at byte offset 3/,
    });
  });
});

describe("stack files", () => {
  function stackFile(text: string | Buffer): string {
    const file = path.join(tempDir("input-files"), "Pulumi.hostile.yaml");
    fs.writeFileSync(file, text);
    return file;
  }

  function refusal(file: string): string {
    try {
      readStackFile(file);
    } catch (error) {
      if (error instanceof ValidationError) return error.message;
      throw error;
    }
    return assert.fail("the stack file was read");
  }

  it("an alias bomb is refused, naming the stack file, without expanding it", () => {
    const file = stackFile(`config:\n  agent-alert-routing:laughs:\n${aliasBomb("    ")}`);
    const message = withinHeap(200, () => refusal(file));
    assert.match(message, /^Pulumi\.hostile\.yaml: has aliases that would expand it beyond 1 MiB/);
  });

  it("bytes that are not UTF-8 are refused, naming the stack file and the offset", () => {
    const file = stackFile(Buffer.from([...Buffer.from("config: {a: "), 0xc3, 0x28, ...Buffer.from("}\n")]));
    assert.equal(
      refusal(file),
      "Pulumi.hostile.yaml: is not UTF-8 at byte offset 12 (0xc3); save it as UTF-8",
    );
  });

  it("the values in plain text inside a secret are found by their paths, however deep", () => {
    const file = stackFile(
      [
        "config:",
        "  agent-alert-routing:slackWebhookUrls:",
        "    platform: { secure: v1:AAAA }",
        "    ai-eng: https://hooks.slack.example/plain",
        "    retired: { note: plain, urls: [https://hooks.slack.example/old, { secure: v1:BBBB }] }",
        "  agent-alert-routing:smtpPassword: { secure: v1:CCCC }",
        "",
      ].join("\n"),
    );
    const read = readStackFile(file);
    assert.deepEqual(Object.fromEntries(read.plainFields), {
      slackWebhookUrls: ["ai-eng", "retired.note", "retired.urls[0]"],
    });
  });

  it("a stack file over 1 MiB is refused unread", () => {
    const file = stackFile("");
    fs.truncateSync(file, 2 * 1024 * 1024);
    assert.match(
      refusal(file),
      /^Pulumi\.hostile\.yaml: is 2\.0 MiB; a file the program reads may be at most 1 MiB/,
    );
  });
});
