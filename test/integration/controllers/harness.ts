// Runs controllers inside the test process against a real apiserver, as the controller-manager would, with a
// clock the test can move forward for time-driven controllers.
import { setMaxListeners } from 'node:events';
import pino from 'pino';
import { RestClient, SharedInformerFactory, loadKubeconfig } from '../../../apiserver/client/index.ts';
import {
  defaultSettings, runController, type Controller, type ControllerContext, type ControllerSettings,
} from '../../../controllers/framework/controller.ts';
import type { TestApiserver } from '../../helpers/apiserver.ts';

export interface RunningControllers {
  client: RestClient;
  /** Moves the controllers' clock forward by ms. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function runControllers(api: TestApiserver, factories: ((ctx: ControllerContext) => Controller)[],
  opts: {
    startMs?: number;
    /** The clock stands still unless the test advances it, so real time never crosses a schedule the test did not. */
    frozen?: boolean;
    settings?: Partial<ControllerSettings>;
  } = {}): Promise<RunningControllers> {
  const logger = pino({ level: 'warn' });
  const client = RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig }), { logger });
  const informers = new SharedInformerFactory(client, { logger });
  const startMs = opts.startMs ?? Date.now();
  const realStart = Date.now();
  let offset = 0;
  const clock = (): number => startMs + offset + (opts.frozen ? 0 : Date.now() - realStart);
  const ctx: ControllerContext = { client, informers, logger, clock,
    settings: { ...defaultSettings, ...opts.settings } };
  const controllers = factories.map((f) => f(ctx));
  const stopper = new AbortController();
  // Every informer and controller listens to it, as the controller-manager's own signal (which lifts the limit too).
  setMaxListeners(0, stopper.signal);
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
