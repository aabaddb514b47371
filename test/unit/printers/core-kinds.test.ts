import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoints, Event, ResourceQuota } from '../../../apiserver/api/types.ts';
import { configMapPrinter } from '../../../apiserver/server/printers/configmap.ts';
import { endpointsPrinter } from '../../../apiserver/server/printers/endpoints.ts';
import { eventPrinter } from '../../../apiserver/server/printers/event.ts';
import { leasePrinter } from '../../../apiserver/server/printers/lease.ts';
import { namespacePrinter } from '../../../apiserver/server/printers/namespace.ts';
import { resourceQuotaPrinter } from '../../../apiserver/server/printers/resourcequota.ts';
import { secretPrinter } from '../../../apiserver/server/printers/secret.ts';
import { serviceAccountPrinter } from '../../../apiserver/server/printers/serviceaccount.ts';
import { ago, columnNames, row } from './helpers.ts';

const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: ago({ h: 5, m: 12 }) });

describe('namespace, configmap, secret, serviceaccount and lease printers', () => {
  it('namespace: NAME STATUS AGE', () => {
    assert.deepEqual(columnNames(namespacePrinter), { standard: ['Name', 'Status', 'Age'], wide: [] });
    assert.deepEqual(Object.values(row(namespacePrinter, { metadata: meta('team-a'), status: { phase: 'Terminating' } })), ['team-a', 'Terminating', '5h12m']);
  });

  it('configmap: DATA counts text and binary keys', () => {
    assert.deepEqual(columnNames(configMapPrinter), { standard: ['Name', 'Data', 'Age'], wide: [] });
    const cm = { metadata: meta('settings'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
    assert.deepEqual(Object.values(row(configMapPrinter, cm)), ['settings', 3, '5h12m']);
    assert.equal(row(configMapPrinter, { metadata: meta('empty') }).Data, 0);
  });

  it('secret: NAME TYPE DATA AGE', () => {
    assert.deepEqual(columnNames(secretPrinter), { standard: ['Name', 'Type', 'Data', 'Age'], wide: [] });
    const secret = { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } };
    assert.deepEqual(Object.values(row(secretPrinter, secret)), ['tls', 'kubernetes.io/tls', 2, '5h12m']);
  });

  it('serviceaccount: SECRETS counts the listed secrets', () => {
    assert.deepEqual(columnNames(serviceAccountPrinter), { standard: ['Name', 'Secrets', 'Age'], wide: [] });
    assert.deepEqual(Object.values(row(serviceAccountPrinter, { metadata: meta('default') })), ['default', 0, '5h12m']);
    assert.equal(row(serviceAccountPrinter, { metadata: meta('bot'), secrets: [{ name: 'bot-token' }] }).Secrets, 1);
  });

  it('lease: HOLDER is the holder identity, empty when free', () => {
    assert.deepEqual(columnNames(leasePrinter), { standard: ['Name', 'Holder', 'Age'], wide: [] });
    const lease = { metadata: meta('kube-scheduler'), spec: { holderIdentity: 'host-a_1234' } };
    assert.deepEqual(Object.values(row(leasePrinter, lease)), ['kube-scheduler', 'host-a_1234', '5h12m']);
    assert.equal(row(leasePrinter, { metadata: meta('free'), spec: {} }).Holder, '');
  });
});

describe('endpoints printer', () => {
  const endpoints = (subsets: Endpoints['subsets']): Endpoints => ({ metadata: meta('web'), ...(subsets ? { subsets } : {}) });

  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(endpointsPrinter), { standard: ['Name', 'Endpoints', 'Age'], wide: [] });
  });

  const cases: [string, Endpoints, string][] = [
    ['no subsets', endpoints(undefined), '<none>'],
    ['one address, one port', endpoints([{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 8080 }] }]), '10.244.1.5:8080'],
    ['every address for every port', endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] }]),
      '10.0.0.1:80,10.0.0.1:443'],
    ['headless without ports', endpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }]), '10.0.0.1,10.0.0.2'],
    ['only not-ready addresses', endpoints([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]), ''],
    ['more than three', endpoints([
      { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] },
      { addresses: [{ ip: '10.0.0.3' }, { ip: '10.0.0.4' }, { ip: '10.0.0.5' }], ports: [{ port: 80 }] },
    ]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...'],
    ['IPv6 in brackets', endpoints([{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 80 }] }]), '[fd00::5]:80'],
  ];
  for (const [what, ep, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(row(endpointsPrinter, ep).Endpoints, want));
  }
});

describe('event printer', () => {
  const event = (fields: Partial<Event>): Event => ({
    metadata: { name: 'web-1.17c0f', namespace: 'default', creationTimestamp: ago({ m: 10 }) },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff', message: 'Back-off restarting failed container\n', type: 'Warning',
    source: { component: 'kubelet', host: 'node-1' },
    ...fields,
  });

  it('has kubectl\'s columns, with the wide ones interleaved', () => {
    assert.deepEqual(eventPrinter.columns.map((c) => [c.name, c.priority]), [
      ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0],
      ['First Seen', 1], ['Count', 1], ['Name', 1],
    ]);
  });

  it('fills every cell of a core event', () => {
    const ev = event({ firstTimestamp: ago({ m: 10 }), lastTimestamp: ago({ s: 30 }), count: 12 });
    assert.deepEqual(Object.values(row(eventPrinter, ev)), [
      '30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1',
      'Back-off restarting failed container', '10m', 12, 'web-1.17c0f',
    ]);
  });

  it('reads events.k8s.io-style events: eventTime, series, reporting controller', () => {
    const ev = event({
      eventTime: ago({ m: 3 }), series: { count: 4, lastObservedTime: ago({ s: 20 }) },
      source: {}, reportingComponent: 'default-scheduler', reportingInstance: '',
    });
    const r = row(eventPrinter, ev);
    assert.deepEqual([r['Last Seen'], r['First Seen'], r.Count, r.Source], ['20s', '3m', 4, 'default-scheduler']);
  });

  it('a singleton event without count shows 1; last seen falls back to first seen', () => {
    const r = row(eventPrinter, event({ firstTimestamp: ago({ m: 2 }) }));
    assert.deepEqual([r['Last Seen'], r.Count], ['2m', 1]);
  });

  it('an event about a kind rather than an object names only the kind', () => {
    assert.equal(row(eventPrinter, event({ involvedObject: { kind: 'Node' } })).Object, 'node');
  });

  it('an event without any time shows <unknown>', () => {
    assert.equal(row(eventPrinter, event({}))['Last Seen'], '<unknown>');
  });
});

describe('resourcequota printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(resourceQuotaPrinter), { standard: ['Name', 'Request', 'Limit', 'Age'], wide: [] });
  });

  it('splits limits.* from the rest, sorted by resource name', () => {
    const quota: ResourceQuota = {
      metadata: meta('compute'),
      spec: { hard: { pods: '10' } },
      status: {
        hard: { 'requests.cpu': '2', pods: '10', 'limits.memory': '4Gi', 'limits.cpu': '4', 'requests.memory': '2Gi' },
        used: { 'requests.cpu': '500m', pods: '3', 'limits.cpu': '1', 'requests.memory': '512Mi' },
      },
    };
    assert.deepEqual(Object.values(row(resourceQuotaPrinter, quota)), [
      'compute',
      'pods: 3/10, requests.cpu: 500m/2, requests.memory: 512Mi/2Gi',
      'limits.cpu: 1/4, limits.memory: 0/4Gi',
      '5h12m',
    ]);
  });

  it('is empty before the quota controller fills the status', () => {
    const r = row(resourceQuotaPrinter, { metadata: meta('new'), spec: { hard: { pods: '1' } } });
    assert.deepEqual([r.Request, r.Limit], ['', '']);
  });
});
