// POST /apis/authentication.k8s.io/v1/selfsubjectreviews (`kubectl auth whoami`): the caller's own identity as
// authentication saw it. Nothing is stored, so it sits beside the resource table rather than in it (the table's
// kinds are stored, watched and garbage-collected); it is not listed in discovery, which kubectl does not need.
import type { FastifyInstance } from 'fastify';
import { errors } from '../api/errors.ts';
import type { SelfSubjectReview } from '../api/types.ts';

export function registerSelfSubjectReviewRoutes(app: FastifyInstance, clock: () => number = Date.now): void {
  app.post('/apis/authentication.k8s.io/v1/selfsubjectreviews', async (request, reply) => {
    const user = request.user;
    if (!user) throw errors.unauthorized();
    const review: SelfSubjectReview = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: new Date(Math.floor(clock() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
      status: {
        userInfo: {
          username: user.name,
          ...(user.uid ? { uid: user.uid } : {}),
          groups: user.groups,
          ...(user.extra ? { extra: user.extra } : {}),
        },
      },
    };
    return reply.code(201).send(review);
  });
}
