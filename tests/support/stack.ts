// Model inputs built from the real stack files and catalogues on disk.
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../../cli/stackFile";
import type { ModelInput } from "../../input/model";
import { withoutSecretKeys } from "../../input/secrets";
import { PROJECT_DIR } from "./tools";

export function stackInput(stack: string, extraFiles: Record<string, string> = {}): ModelInput {
  const stackFile = readStackFile(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`));
  return {
    stack,
    stackFile: stackFile.file,
    config: structuredClone(withoutSecretKeys(stackFile.values)),
    readFile: (file) => {
      if (Object.hasOwn(extraFiles, file)) return extraFiles[file];
      const full = path.join(PROJECT_DIR, file);
      return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
    },
  };
}
