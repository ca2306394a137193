import { defineConfig } from "drizzle-kit";

// Migrations are generated from the tables (`npm run db:generate`) and committed. Hand-written
// ones (FORCE ROW LEVEL SECURITY, grants drizzle cannot express) come from `--custom`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./control-plane/src/db/schema.ts",
  out: "./control-plane/drizzle",
  strict: true,
});
