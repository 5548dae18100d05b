import type { ServiceModule } from "./service";
import { SERVICES } from "./services";

let modules: Map<string, ServiceModule> | undefined;

/**
 * Every service module (./services/, listed in ./services/index.ts), keyed by `service.name`. Importing this loads
 * every service's SDK client: the remediation executor, the local account and the deployment's IAM generator need
 * them all; code that calls one service imports that service's module instead.
 */
export function serviceModules(): ReadonlyMap<string, ServiceModule> {
  if (!modules) {
    modules = new Map();
    for (const m of SERVICES as readonly ServiceModule[]) {
      if (modules.has(m.service.name)) throw new Error(`two service modules named ${m.service.name}`);
      modules.set(m.service.name, m);
    }
  }
  return modules;
}
