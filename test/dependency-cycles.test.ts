/**
 * CloudFormation refuses a template whose resources depend on each other in a cycle (newer
 * aws-cdk-lib reports it at synth as F3004; the floor does not). The library's resources share
 * one handler, whose policy and function every construct's custom resource depends on, so a
 * grant naming a resource that itself depends (through a bucket, a key, a policy) on a custom
 * resource closes a cycle. Checked on the app with every construct and on the example.
 */
import { App, Stack } from 'aws-cdk-lib';
import { everyConstruct } from './fixtures/every-construct';
import { buildLandingZone, INITIAL, UPDATED } from '../examples/landing-zone/app';
import { dependencyGraph, dependencyOrder } from '../replay/src';

function templates(stacks: Stack[]): Array<[string, any]> {
  return stacks.map((stack) => [stack.stackName, App.of(stack)!.synth().getStackByName(stack.stackName).template]);
}

test.each([
  ...templates(everyConstruct(new App())),
  ...templates(buildLandingZone(new App(), INITIAL)),
  ...templates(buildLandingZone(new App(), UPDATED)),
])('%s has no dependency cycle', (_name, template) => {
  const order = dependencyOrder(dependencyGraph(template));
  expect(order).toHaveLength(Object.keys(template.Resources).length);
});
