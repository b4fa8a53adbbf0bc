// Bundles the connector and its npm dependencies into one file,
// package/connector.js, beside a copy of the protocol's .proto file: the
// extension then carries two files instead of a node_modules tree.
import { chmodSync, copyFileSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "package/connector.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  banner: { js: "#!/usr/bin/env node" },
  legalComments: "inline",
  logLevel: "warning",
});
chmodSync("package/connector.js", 0o755);
copyFileSync("../../../proto/connector/v1/connector.proto", "package/connector.proto");
