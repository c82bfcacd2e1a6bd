/**
 * Which statements of a replayed app's IAM policies were needed: a statement is needed when it
 * was the only statement that allowed some call the handler made (or some permission the service
 * checked in its name). A statement that never was could be removed with every replay still
 * passing: it is either more than the handler needs or not exercised by the replay.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalApi } from './local-api/server';
import { roleName } from './replay';

/** One statement of a role's policy, as the evaluator names its grants. */
export interface PolicyStatementRef {
  readonly stack: string;
  readonly roleName: string;
  /** `<policy name>/<Sid>`, or `<policy name>/#<1-based index>` without a Sid. */
  readonly statement: string;
  readonly actions: string[];
}

/**
 * The statements of every policy attached to a role of the assembly's stacks: `AWS::IAM::Policy`
 * (named by its PolicyName) and `AWS::IAM::ManagedPolicy` (named by its logical id, as the replay
 * registers it).
 */
export function policyStatements(assemblyDir: string): PolicyStatementRef[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf-8'));
  const refs: PolicyStatementRef[] = [];
  for (const [stack, artifact] of Object.entries<any>(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf-8'));
    for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const policyName = resource.Type === 'AWS::IAM::Policy' ? resource.Properties.PolicyName : logicalId;
      for (const role of resource.Properties.Roles ?? []) {
        const roleId = role.Ref;
        if (typeof roleId !== 'string') continue;
        const name = roleName(stack, roleId, template.Resources[roleId]?.Properties ?? {});
        const statements: any[] = [resource.Properties.PolicyDocument.Statement].flat();
        statements.forEach((st, i) => refs.push({
          stack,
          roleName: name,
          statement: `${policyName}/${st.Sid ?? `#${i + 1}`}`,
          actions: [st.Action].flat(),
        }));
      }
    }
  }
  return refs;
}

/** Keys `<role name>|<statement>` of the statements that alone allowed some call recorded by the local API. */
export function soleGrants(api: LocalApi): Set<string> {
  const needed = new Set<string>();
  for (const call of api.calls) {
    const role = /:assumed-role\/([^/]+)\//.exec(call.principal)?.[1];
    if (!role) continue;
    for (const decision of call.authorization) {
      if (decision.decision === 'Allowed' && decision.grants.length === 1) needed.add(`${role}|${decision.grants[0]}`);
    }
  }
  return needed;
}

/**
 * Statements of the assemblies' policies that allowed nothing on their own in the replay, except
 * CloudWatch Logs writes (the Lambda runtime sends logs; the local API serves no Logs API).
 */
export function unneededStatements(api: LocalApi, assemblyDirs: string[]): PolicyStatementRef[] {
  const needed = soleGrants(api);
  const seen = new Set<string>();
  return assemblyDirs.flatMap(policyStatements).filter((ref) => {
    const key = `${ref.roleName}|${ref.statement}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return !needed.has(key) && !ref.actions.every((a) => a.startsWith('logs:'));
  });
}
