/**
 * The rules an event must meet before the handler acts on it (lambda/shared/event-verification.ts):
 * what CloudFormation shows of the event's resource and stack for each request CloudFormation
 * sends, and the requests it does not send.
 */
import { CloudFormationClient, ResourceStatus } from '@aws-sdk/client-cloudformation';
import { useClock } from '../../../lambda/shared/clock';
import { CustomResourceEvent } from '../../../lambda/shared/custom-resource';
import { eventProblem, isRollback, STACK_ID_VARIABLE, StackView, undoesCreate, verifyEvent } from '../../../lambda/shared/event-verification';
import { emulatorClock } from '../../../replay/src';

const STACK = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Security/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const TYPE = 'Custom::GuardDutyDetector';

function event(requestType: 'Create' | 'Update' | 'Delete', physicalId?: string): CustomResourceEvent<unknown> {
  return {
    RequestType: requestType,
    ServiceToken: 'arn',
    ResponseURL: 'https://x',
    StackId: STACK,
    RequestId: 'r',
    ResourceType: TYPE,
    LogicalResourceId: 'Detector',
    PhysicalResourceId: physicalId,
    ResourceProperties: {},
  };
}
const shown = (status: string, physicalId?: string, stackStatus?: string): StackView =>
  ({ resource: { ResourceType: TYPE, ResourceStatus: status as ResourceStatus, PhysicalResourceId: physicalId }, stackStatus });

describe('what CloudFormation sends is accepted', () => {
  test.each<[string, CustomResourceEvent<unknown>, StackView]>([
    ['Create of a new resource', event('Create'), shown('CREATE_IN_PROGRESS')],
    ['Update', event('Update', 'd-1'), shown('UPDATE_IN_PROGRESS', 'd-1', 'UPDATE_IN_PROGRESS')],
    ['rollback Update', event('Update', 'd-1'), shown('UPDATE_IN_PROGRESS', 'd-1', 'UPDATE_ROLLBACK_IN_PROGRESS')],
    ['Delete in a stack deletion', event('Delete', 'd-1'), shown('DELETE_IN_PROGRESS', 'd-1', 'DELETE_IN_PROGRESS')],
    ['Delete of a failed create on rollback', event('Delete', 'cdk-threat-detection:create-failed'),
      shown('DELETE_IN_PROGRESS', 'cdk-threat-detection:create-failed', 'ROLLBACK_IN_PROGRESS')],
    ['Delete of the old physical id after a replacement', event('Delete', 'd-old'),
      shown('UPDATE_COMPLETE', 'd-new', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')],
    ['Delete of the new physical id after a rolled-back replacement', event('Delete', 'd-new'),
      shown('UPDATE_COMPLETE', 'd-old', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')],
  ])('%s', (_name, e, view) => {
    expect(eventProblem(e, view)).toBeUndefined();
  });
});

describe('what CloudFormation does not send is refused', () => {
  test.each<[string, CustomResourceEvent<unknown>, StackView, RegExp]>([
    ['a resource the stack does not have', event('Delete', 'd-1'), {}, /no such logical resource/],
    ['a resource of another type', event('Create'),
      { resource: { ResourceType: 'Custom::GuardDutyFilter', ResourceStatus: ResourceStatus.CREATE_IN_PROGRESS } }, /of type Custom::GuardDutyFilter/],
    ['a Create of a created resource', event('Create'), shown('CREATE_COMPLETE', 'd-1'), /CREATE_COMPLETE, not CREATE_IN_PROGRESS/],
    ['a Create while the resource is deleted', event('Create'), shown('DELETE_IN_PROGRESS', 'd-1'), /not CREATE_IN_PROGRESS/],
    ['an Update of a settled resource', event('Update', 'd-1'), shown('UPDATE_COMPLETE', 'd-1'), /not UPDATE_IN_PROGRESS/],
    ['an Update of another physical id', event('Update', 'd-1'), shown('UPDATE_IN_PROGRESS', 'd-2'), /physical id is not the resource's/],
    ['a Delete of a settled resource', event('Delete', 'd-1'), shown('CREATE_COMPLETE', 'd-1', 'UPDATE_COMPLETE'), /not a delete/],
    ['a Delete of another physical id outside cleanup', event('Delete', 'd-1'), shown('UPDATE_COMPLETE', 'd-2', 'UPDATE_COMPLETE'),
      /on another physical id and the stack is UPDATE_COMPLETE/],
    ['a Delete of another physical id during an update', event('Delete', 'd-1'), shown('UPDATE_IN_PROGRESS', 'd-2', 'UPDATE_IN_PROGRESS'),
      /not a delete/],
    ['a Delete of another physical id while the resource is deleted', event('Delete', 'd-1'),
      shown('DELETE_IN_PROGRESS', 'd-2', 'DELETE_IN_PROGRESS'), /not a delete/],
  ])('%s', (_name, e, view, reason) => {
    expect(eventProblem(e, view)).toMatch(reason);
  });
});

describe('a confirmed Delete knows whether it undoes the resource\'s create', () => {
  test.each<[string, CustomResourceEvent<unknown>, StackView, boolean]>([
    ['a failed create\'s rollback', event('Delete', 'd-1'), shown('DELETE_IN_PROGRESS', 'd-1', 'ROLLBACK_IN_PROGRESS'), true],
    ['a failed update\'s rollback deleting what it added', event('Delete', 'd-1'),
      shown('DELETE_IN_PROGRESS', 'd-1', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'), true],
    ['the same, during UPDATE_ROLLBACK_IN_PROGRESS', event('Delete', 'd-1'), shown('DELETE_IN_PROGRESS', 'd-1', 'UPDATE_ROLLBACK_IN_PROGRESS'), true],
    ['a stack deletion', event('Delete', 'd-1'), shown('DELETE_IN_PROGRESS', 'd-1', 'DELETE_IN_PROGRESS'), false],
    ['a resource removed by an update', event('Delete', 'd-1'), shown('DELETE_IN_PROGRESS', 'd-1', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'), false],
    ['a rolled-back replacement\'s new physical id', event('Delete', 'd-new'),
      shown('UPDATE_COMPLETE', 'd-old', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'), false],
  ])('%s: %s', (_name, e, view, expected) => {
    expect(eventProblem(e, view)).toBeUndefined();
    expect(undoesCreate(e, view)).toBe(expected);
  });
});

test.each<[string, string, boolean]>([
  ['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_IN_PROGRESS', true],
  ['UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', false],
])('an Update in a stack %s is a rollback: %s', (stackStatus, status, expected) => {
  const view = shown(status, 'd-1', stackStatus);
  expect(eventProblem(event('Update', 'd-1'), view)).toBeUndefined();
  expect(isRollback(event('Update', 'd-1'), view)).toBe(expected);
});

describe('verifyEvent', () => {
  beforeAll(() => useClock(emulatorClock));
  beforeEach(() => { process.env[STACK_ID_VARIABLE] = STACK; });
  afterAll(() => { delete process.env[STACK_ID_VARIABLE]; });

  /** A client answering DescribeStackResource with each status in turn (the last one repeated). */
  function client(...statuses: string[]) {
    const calls: string[] = [];
    const fake = {
      send: async (command: { constructor: { name: string } }) => {
        calls.push(command.constructor.name);
        const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
        return { StackResourceDetail: { ResourceType: TYPE, ResourceStatus: status, LogicalResourceId: 'Detector' } };
      },
    };
    return { fake: fake as unknown as CloudFormationClient, calls };
  }

  test('reads again while CloudFormation does not show the request yet, then accepts', async () => {
    const { fake, calls } = client('CREATE_COMPLETE', 'CREATE_COMPLETE', 'CREATE_IN_PROGRESS');
    await expect(verifyEvent(event('Create'), fake)).resolves.toMatchObject({ undoesCreate: false, rollback: false, replaced: false });
    expect(calls).toEqual(['DescribeStackResourceCommand', 'DescribeStackResourceCommand', 'DescribeStackResourceCommand']);
  });

  test('refuses after four reads that never show it', async () => {
    const { fake, calls } = client('CREATE_COMPLETE');
    await expect(verifyEvent(event('Create'), fake)).resolves.toMatchObject({ refused: expect.stringMatching(/CREATE_COMPLETE, not CREATE_IN_PROGRESS/) });
    expect(calls).toHaveLength(4);
  });

  test('refuses another stack\'s event without a call', async () => {
    const { fake, calls } = client('CREATE_IN_PROGRESS');
    await expect(verifyEvent({ ...event('Create'), StackId: STACK.replace('Security', 'Other') }, fake))
      .resolves.toMatchObject({ refused: expect.stringMatching(/not the stack this function belongs to/) });
    expect(calls).toEqual([]);
  });
});
