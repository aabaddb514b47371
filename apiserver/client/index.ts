// The client's public surface, for the scheduler, controller-manager, kubelet and skiffctl. A controller process
// wires it like this:
//
//   const client = RestClient.fromKubeconfig(loadKubeconfig({ path: opts.kubeconfig }), { logger });
//   const elector = new LeaderElector({ client, namespace: 'kube-system', name: 'skiff-controller-manager',
//     identity: defaultIdentity(), logger, onStartedLeading: (signal) => runControllers(fenced, signal) });
//   const fenced = client.withFence(() => elector.fenceToken());   // every write carries the current term
//   const factory = new SharedInformerFactory(fenced, { logger });
//   const pods = factory.informerFor<Pod>(podsResource, { indexers: { node: nodeNameIndex } });
//   const queue = new WorkQueue<string>();
//   pods.addEventHandler({ onAdd: (p) => queue.add(objectKey(p)), ... });
//   factory.start(signal); await factory.waitForCacheSync(signal);
//   await runWorkers(queue, 5, (key) => reconcile(key), { logger, signal });
export * from './backoff.ts';
export * from './cache.ts';
export * from './component.ts';
export * from './events.ts';
export * from './fence.ts';
export * from './informer.ts';
export * from './informer-factory.ts';
export * from './kubeconfig.ts';
export * from './kubeconfig-edit.ts';
export * from './leader-election.ts';
export * from './list-pager.ts';
export * from './logger.ts';
export * from './object.ts';
export * from './paths.ts';
export * from './rate-limiter.ts';
export * from './rest.ts';
export * from './run-workers.ts';
export * from './status-error.ts';
export * from './transport.ts';
export * from './watch.ts';
export * from './watch-lines.ts';
export * from './workqueue.ts';
