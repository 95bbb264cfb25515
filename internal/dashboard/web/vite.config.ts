import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { defineConfig, type Plugin } from "vite";

// persistedOperations turns `import op from "../../operations/X.graphql"` into
// { name, hash }: the bundle holds the SHA-256 of each registered
// operation, never its text, so the app can only send persisted operations.
function persistedOperations(): Plugin {
  return {
    name: "registry-persisted-operations",
    load(id) {
      if (!id.endsWith(".graphql")) return null;
      const text = readFileSync(id);
      const hash = createHash("sha256").update(text).digest("hex");
      const name = basename(id, ".graphql");
      return `export default ${JSON.stringify({ name, hash })};`;
    },
  };
}

export default defineConfig({
  base: "/",
  plugins: [persistedOperations()],
  build: {
    outDir: "../dist/app",
    emptyOutDir: true,
    assetsDir: "static",
    assetsInlineLimit: 0,
    target: "es2020",
    reportCompressedSize: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
