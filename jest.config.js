/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testTimeout: 60000,
  // The CLI's filter of the AWS SDK's Node 20 warning, for the SDK clients tests construct (test/helpers/sdk-warning.ts).
  setupFiles: ["<rootDir>/test/helpers/sdk-warning.ts"],
  // `npm run coverage`: the report covers the source files, not the tests.
  collectCoverageFrom: ["{lib,cli,rules,events,remediations}/**/*.ts"],
};
