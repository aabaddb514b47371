import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControllerRevision, DaemonSet, Deployment, PodTemplateSpec, ReplicaSet, ReplicationController, StatefulSet } from '../../../apiserver/api/types.ts';
import { controllerRevisionPrinter } from '../../../apiserver/server/printers/controllerrevision.ts';
import { daemonSetPrinter } from '../../../apiserver/server/printers/daemonset.ts';
import { deploymentPrinter } from '../../../apiserver/server/printers/deployment.ts';
import { replicaSetPrinter } from '../../../apiserver/server/printers/replicaset.ts';
import { replicationControllerPrinter } from '../../../apiserver/server/printers/replicationcontroller.ts';
import { statefulSetPrinter } from '../../../apiserver/server/printers/statefulset.ts';
import { ago, columnNames, row } from './helpers.ts';

const template: PodTemplateSpec = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'busybox:1.36' }] },
};
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: ago({ d: 10 }) });

describe('deployment printer', () => {
  const deploy: Deployment = {
    metadata: meta('web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }] }, template },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };

  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(deploymentPrinter), {
      standard: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'], wide: ['Containers', 'Images', 'Selector'],
    });
  });

  it('fills every cell', () => {
    assert.deepEqual(Object.values(row(deploymentPrinter, deploy)),
      ['web', '2/3', 3, 2, '10d', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web,env in (canary,prod)']);
  });

  it('a new deployment with no status yet is 0/N, and an empty selector prints empty', () => {
    const fresh: Deployment = { metadata: meta('new'), spec: { replicas: 2, selector: {}, template } };
    const r = row(deploymentPrinter, fresh);
    assert.deepEqual([r.Ready, r['Up-to-date'], r.Available, r.Selector], ['0/2', 0, 0, '']);
  });

  it('marks a malformed selector <invalid>', () => {
    const bad: Deployment = { metadata: meta('bad'), spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, template } };
    assert.equal(row(deploymentPrinter, bad).Selector, '<invalid>');
  });
});

describe('replicaset printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(replicaSetPrinter), {
      standard: ['Name', 'Desired', 'Current', 'Ready', 'Age'], wide: ['Containers', 'Images', 'Selector'],
    });
    assert.equal(replicaSetPrinter.columns[1].type, 'integer');
  });

  it('fills every cell', () => {
    const rs: ReplicaSet = {
      metadata: meta('web-7d9f8c6b5'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d9f8c6b5' } }, template },
      status: { replicas: 3, readyReplicas: 1 },
    };
    assert.deepEqual(Object.values(row(replicaSetPrinter, rs)),
      ['web-7d9f8c6b5', 3, 3, 1, '10d', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web,pod-template-hash=7d9f8c6b5']);
  });
});

describe('replicationcontroller printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(replicationControllerPrinter), {
      standard: ['Name', 'Desired', 'Current', 'Ready', 'Age'], wide: ['Containers', 'Images', 'Selector'],
    });
  });

  it('fills every cell, the selector being a label map', () => {
    const rc: ReplicationController = { metadata: meta('legacy'), spec: { replicas: 2, selector: { app: 'legacy' }, template }, status: { replicas: 2 } };
    assert.deepEqual(Object.values(row(replicationControllerPrinter, rc)),
      ['legacy', 2, 2, 0, '10d', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=legacy']);
  });

  it('copes with an RC without a template', () => {
    const rc: ReplicationController = { metadata: meta('bare'), spec: { replicas: 0 } };
    assert.deepEqual(Object.values(row(replicationControllerPrinter, rc)), ['bare', 0, 0, 0, '10d', '', '', '<none>']);
  });
});

describe('daemonset printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(daemonSetPrinter), {
      standard: ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'],
      wide: ['Containers', 'Images', 'Selector'],
    });
  });

  it('fills every cell', () => {
    const ds: DaemonSet = {
      metadata: meta('fluentd'),
      spec: {
        selector: { matchLabels: { app: 'fluentd' } },
        template: { ...template, spec: { ...template.spec!, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
    };
    assert.deepEqual(Object.values(row(daemonSetPrinter, ds)),
      ['fluentd', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '10d', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=fluentd']);
  });

  it('prints <none> without a node selector', () => {
    const ds: DaemonSet = { metadata: meta('all'), spec: { selector: { matchLabels: { a: 'b' } }, template } };
    assert.equal(row(daemonSetPrinter, ds)['Node Selector'], '<none>');
  });
});

describe('statefulset printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(statefulSetPrinter), { standard: ['Name', 'Ready', 'Age'], wide: ['Containers', 'Images'] });
  });

  it('fills every cell', () => {
    const sts: StatefulSet = {
      metadata: meta('db'), spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    assert.deepEqual(Object.values(row(statefulSetPrinter, sts)), ['db', '1/3', '10d', 'nginx,log', 'nginx:1.27,busybox:1.36']);
  });
});

describe('controllerrevision printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(controllerRevisionPrinter), { standard: ['Name', 'Controller', 'Revision', 'Age'], wide: [] });
  });

  it('names the controller as kind.group/name', () => {
    const rev: ControllerRevision = {
      metadata: {
        ...meta('fluentd-5f7c9d'),
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-a-controller', uid: '1' },
          { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: '2', controller: true },
        ],
      },
      revision: 2,
    };
    assert.deepEqual(Object.values(row(controllerRevisionPrinter, rev)), ['fluentd-5f7c9d', 'daemonset.apps/fluentd', 2, '10d']);
  });

  it('core-group controllers have no group, and no controller is <none>', () => {
    const core: ControllerRevision = { metadata: { ...meta('a'), ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '1', controller: true }] }, revision: 1 };
    assert.equal(row(controllerRevisionPrinter, core).Controller, 'pod/p');
    assert.equal(row(controllerRevisionPrinter, { metadata: meta('orphan'), revision: 1 }).Controller, '<none>');
  });
});
