import { addedGeneration, addedServiceModules } from "./added";
import type { ServiceModule } from "./service";
import { SERVICES } from "./services";

let modules: { map: Map<string, ServiceModule>; generation: number } | undefined;

/**
 * Every service module, keyed by `service.name`: the built-in ones (./services/, listed in ./services/index.ts) and
 * those extension packs added (./added.ts). Importing this loads every built-in service's SDK client: the local
 * account and the deployment's IAM generator need them all; code that calls one service imports that service's
 * module instead.
 */
export function serviceModules(): ReadonlyMap<string, ServiceModule> {
  if (!modules || modules.generation !== addedGeneration()) {
    const map = new Map<string, ServiceModule>();
    for (const m of [...(SERVICES as readonly ServiceModule[]), ...addedServiceModules()]) {
      if (map.has(m.service.name)) throw new Error(`two service modules named ${m.service.name}`);
      map.set(m.service.name, m);
    }
    modules = { map, generation: addedGeneration() };
  }
  return modules.map;
}
