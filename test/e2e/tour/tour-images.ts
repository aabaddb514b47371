// Stand-ins for the Docker Hub images the seed manifests name, built from the host's static busybox (no registry is
// reachable here) and served by the loopback registry mirror under the Hub names, so that the kubelet pulls them
// the way it would pull the real ones. Each runs what its manifest expects on the port it expects: a web server
// for nginx and the tomcat images, something listening on redis' port for redis-master, a shell for busybox.
import type Docker from 'dockerode';
import { importBusyboxImage } from '../../../kubelet/runtime/local-images.ts';
import { removeLabelled } from '../../helpers/docker-cleanup.ts';
import { testRuntime } from '../../helpers/images.ts';
import { registryImageFromDocker, type RegistryImage } from '../../helpers/registry-mirror.ts';

/**
 * `command` under a shell that stops it at once on SIGTERM, as the real servers do: as PID 1 without a handler of
 * its own, busybox's httpd or nc would ignore SIGTERM and every pod deletion would wait out its grace period.
 */
function stoppable(command: string, setup = ':'): string[] {
  return ['/bin/sh', '-c', `${setup}; trap 'kill $pid; exit 0' TERM INT; ${command} & pid=$!; wait $pid`];
}

/** busybox httpd serving `page` (written at start: the image has one layer, the busybox root). */
function webServer(port: number, docroot: string, page: string): string[] {
  return stoppable(`httpd -f -p ${port} -h ${docroot}`, `mkdir -p ${docroot} && echo "${page}" > ${docroot}/index.html`);
}

const nginx = webServer(80, '/usr/share/nginx/html', 'Welcome to nginx!');
// Tomcat's pages answer with the pod's name, so a test can tell which replica a Service picked.
const tomcat = webServer(8080, '/usr/local/tomcat/webapps/ROOT', '$(hostname)');

/** Image reference as the manifests write it -> the command its stand-in runs. */
export const tourImages: ReadonlyMap<string, string[]> = new Map([
  ['nginx:1.7.9', nginx],
  ['nginx', nginx],
  ['busybox', ['sh']],
  ['kubeguide/tomcat-app:v1', tomcat],
  ['tomcat', tomcat],
  ['kubeguide/guestbook-php-frontend:localredis', webServer(80, '/var/www/html', 'Guestbook')],
  // -ll keeps listening after each connection; every connection gets `cat`, an echo server on redis' port.
  ['kubeguide/redis-master', stoppable('nc -ll -p 6379 -e cat')],
]);

/** The local name each image is built under before it is saved: never the name the kubelet pulls. */
const buildName = (ref: string): string => `skiff.local/tour-build/${ref.includes(':') ? ref : `${ref}:latest`}`;

/**
 * Builds every tour image, turns it into what the mirror serves, then removes the local copies and any image
 * already under a Hub name, so that the cluster has to pull each one through the mirror. The images carry `label`
 * (so do the copies the kubelet pulls, the config being the same), for the test's cleanup.
 */
export async function buildTourImages(docker: Docker, label: Record<string, string>): Promise<RegistryImage[]> {
  const runtime = testRuntime();
  const images: RegistryImage[] = [];
  for (const [ref, cmd] of tourImages) {
    await importBusyboxImage(runtime, buildName(ref), { cmd, labels: label });
    images.push(await registryImageFromDocker(docker, buildName(ref), ref));
  }
  await removeLabelled(label);
  await removeHubCopies(docker);
  return images;
}

/** `docker rmi -f` of the Hub names, whatever built or pulled them. */
export async function removeHubCopies(docker: Docker): Promise<void> {
  for (const ref of tourImages.keys()) {
    await docker.getImage(ref).remove({ force: true }).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    });
  }
}
