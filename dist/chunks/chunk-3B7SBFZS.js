import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/config/errors.ts
var InputError = class extends Error {
  constructor(input, problem, cliProblem) {
    super(`input '${input}': ${problem}`);
    this.input = input;
    this.name = "InputError";
    this.cliMessage = cliProblem === void 0 ? void 0 : `input '${input}': ${cliProblem}`;
  }
  input;
  /** The same line for the CLI when the advice differs there (a shell, not workflow YAML). */
  cliMessage;
};
var InputErrors = class extends InputError {
  constructor(errors) {
    super(errors[0]?.input ?? "inputs", "");
    this.errors = errors;
    this.message = errors.map((e) => e.message).join("\n");
    this.name = "InputErrors";
  }
  errors;
};

export {
  InputError,
  InputErrors
};
