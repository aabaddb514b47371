// Strategies of rbac.authorization.k8s.io/v1 kinds: defaults and validation only (none has a status). Who may
// write what into them (escalation prevention) needs the caller and the current policy, so it is an admission
// step (rbac/escalation.ts), not part of these stateless tables.
import { defaultBinding } from '../../api/defaults/rbac.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../api/types.ts';
import {
  validateClusterRole, validateClusterRoleBinding, validateClusterRoleBindingUpdate, validateRole,
  validateRoleBinding, validateRoleBindingUpdate,
} from '../../api/validation/rbac.ts';
import type { Strategy } from '../strategy.ts';
import { kindStrategy } from './kind-strategy.ts';

export const roleStrategy: Strategy = kindStrategy<Role>({ validate: validateRole });

export const clusterRoleStrategy: Strategy = kindStrategy<ClusterRole>({ validate: validateClusterRole });

export const roleBindingStrategy: Strategy = kindStrategy<RoleBinding>({
  default: defaultBinding,
  validate: validateRoleBinding,
  validateUpdate: validateRoleBindingUpdate,
});

export const clusterRoleBindingStrategy: Strategy = kindStrategy<ClusterRoleBinding>({
  default: defaultBinding,
  validate: validateClusterRoleBinding,
  validateUpdate: validateClusterRoleBindingUpdate,
});
