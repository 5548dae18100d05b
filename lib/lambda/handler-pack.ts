import { Engine } from "../engine/evaluate";
import { Exemptions } from "../engine/exemptions";
import { loadPack, type Pack } from "../pack";
import type { CompiledPolicy, PolicyProblem } from "../policy/load";
import { UnknownPolicyError } from "./errors";

/**
 * The policy pack as a Lambda handler holds it (the Config rule, the sweep worker, the detector, the remediation
 * worker): loaded and compiled once per container (module scope of the
 * handler), from the bundled policies directory or GUARDRAIL_POLICY_DIR, with the exemptions file named by
 * GUARDRAIL_EXEMPTIONS_FILE if any (tag exemptions need no file).
 *
 * A container lives for hours, so exemptions are not judged against the clock of its cold start: `engine(now)`
 * builds the engine again when the UTC day changes (expiry dates are inclusive UTC days, so a day's engine
 * judges every exemption right). Building it is cheap: the compiled policies are shared.
 */
export class HandlerPack {
  private readonly byId = new Map<string, CompiledPolicy>();
  private cached: { day: string; engine: Engine } | undefined;

  constructor(
    readonly pack: Pack,
    private readonly exemptionsFile?: string,
  ) {
    for (const p of pack.policies) this.byId.set(p.policy.id, p);
  }

  static load(env: NodeJS.ProcessEnv = process.env): HandlerPack {
    const exemptionsFile = env.GUARDRAIL_EXEMPTIONS_FILE || undefined;
    const pack = loadPack({
      // A handler judges one or a few policies per invocation: compile each on first use (cold start).
      compile: "lazy",
      // A folder of its own replaces the bundled policies, as it always has.
      ...(env.GUARDRAIL_POLICY_DIR ? { policyPaths: [env.GUARDRAIL_POLICY_DIR], builtin: false } : {}),
      ...(exemptionsFile ? { exemptionsFile } : {}),
    });
    return new HandlerPack(pack, exemptionsFile);
  }

  /** Broken policy files and exemption entries: left out of the pack, to be logged once at start. */
  get problems(): readonly PolicyProblem[] {
    return this.pack.problems;
  }

  /** The policy a rule's parameters name; an UnknownPolicyError naming the id when the pack has none. */
  policy(id: string): CompiledPolicy {
    const p = this.byId.get(id);
    if (!p) throw new UnknownPolicyError(id);
    return p;
  }

  engine(now: Date): Engine {
    const day = now.toISOString().slice(0, 10);
    if (this.cached?.day !== day) {
      const exemptions = this.exemptionsFile
        ? Exemptions.load(this.exemptionsFile, this.exemptionsFile, now).exemptions
        : new Exemptions([], now);
      this.cached = { day, engine: new Engine(this.pack.policies, exemptions) };
    }
    return this.cached.engine;
  }
}
