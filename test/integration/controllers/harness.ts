// Runs controllers inside the test process against a real apiserver, as the controller-manager would, with a
// clock the test can move forward for time-driven controllers.
import pino from 'pino';
import { RestClient, SharedInformerFactory, loadKubeconfig } from '../../../apiserver/client/index.ts';
import {
  defaultSettings, runController, type Controller, type ControllerContext, type ControllerSettings,
} from '../../../controllers/framework/controller.ts';
import type { TestApiserver } from '../../helpers/apiserver.ts';

export interface RunningControllers {
  client: RestClient;
  /** Milliseconds added to the real clock (for the injectable clock). */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function runControllers(api: TestApiserver, factories: ((ctx: ControllerContext) => Controller)[],
  opts: { startMs?: number; settings?: Partial<ControllerSettings> } = {}): Promise<RunningControllers> {
  const logger = pino({ level: 'warn' });
  const client = RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig }), { logger });
  const informers = new SharedInformerFactory(client, { logger });
  let offset = opts.startMs !== undefined ? opts.startMs - Date.now() : 0;
  const ctx: ControllerContext = { client, informers, logger, clock: () => Date.now() + offset,
    settings: { ...defaultSettings, ...opts.settings } };
  const controllers = factories.map((f) => f(ctx));
  const stopper = new AbortController();
  informers.start(stopper.signal);
  await informers.waitForCacheSync(stopper.signal);
  const running = Promise.all(controllers.map((c) => runController(c, logger, stopper.signal)));
  return {
    client,
    advance: (ms) => { offset += ms; },
    stop: async () => {
      stopper.abort();
      for (const c of controllers) c.queue.shutDown();
      await running;
      await informers.shutDown();
      client.close();
    },
  };
}
