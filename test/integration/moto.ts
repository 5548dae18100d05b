import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resetClients } from "../../lib/aws/clients";

/**
 * A moto server (python3 -m moto.server) for one test file: started on 127.0.0.1 on a free port in beforeAll,
 * stopped in afterAll (its whole process group, so no werkzeug child outlives the suite). While it runs, the
 * environment points Guardrail's clients at it (GUARDRAIL_AWS_ENDPOINT) with moto's fake credentials and a
 * Region, and the client cache of lib/aws/clients.ts is reset on both
 * sides, so no client built for another endpoint is reused.
 *
 * `npm test`'s pretest installs moto[server]; when python3 or moto is missing, beforeAll fails at once saying so.
 */

/** moto's default account. */
export const MOTO_ACCOUNT = "123456789012";
export const MOTO_REGION = "us-east-1";
const START_TIMEOUT_MS = 20_000;

export interface Moto {
  /** http://127.0.0.1:<port>, set once beforeAll has run. */
  endpoint: string;
  /** Client settings for the tests' own setup clients (the same endpoint, Region and credentials). */
  config(): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: boolean;
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const ENV_KEYS = [
  "GUARDRAIL_AWS_ENDPOINT",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
] as const;

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `exited (code ${code}, signal ${signal})`;
  });
  child.once("error", (e) => {
    exited = `could not be started: ${e.message}`;
  });
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `moto server ${exited}. Is moto[server] installed for python3 (python3 -m pip install "moto[server]")?\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto server did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms\n${output()}`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const pid = child.pid;
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** Registers beforeAll/afterAll for a moto server; use the returned object inside tests. */
export function useMoto(): Moto {
  let child: ChildProcess | undefined;
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> = {};
  const moto: Moto = {
    endpoint: "",
    config: () => ({
      endpoint: moto.endpoint,
      region: MOTO_REGION,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      forcePathStyle: true,
    }),
  };

  beforeAll(async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    let log = "";
    child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
      detached: true, // own process group: afterAll kills the group
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    await waitUntilUp(endpoint, child, () => log);

    for (const k of ENV_KEYS) saved[k] = process.env[k];
    process.env.GUARDRAIL_AWS_ENDPOINT = endpoint;
    process.env.AWS_ACCESS_KEY_ID = "testing";
    process.env.AWS_SECRET_ACCESS_KEY = "testing";
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    process.env.AWS_REGION = MOTO_REGION;
    process.env.AWS_DEFAULT_REGION = MOTO_REGION;
    resetClients();
    moto.endpoint = endpoint;
  }, START_TIMEOUT_MS + 5000);

  afterAll(async () => {
    resetClients();
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    if (child) await stop(child);
  }, 10_000);

  return moto;
}
