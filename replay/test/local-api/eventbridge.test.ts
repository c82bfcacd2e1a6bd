/**
 * The local API's TestEventPattern: the EventBridge User Guide's matching rules, case by case (the
 * examples of "Content filtering in Amazon EventBridge event patterns" and "Comparison operators"),
 * and its refusals, through the real client.
 */
import { EventBridgeClient, InvalidEventPatternException, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { testEventPattern } from '../../src/local-api/eventbridge';
import { LocalApi } from '../../src/local-api/server';

const BASE = {
  'id': '1',
  'account': '111111111111',
  'source': 'aws.test',
  'time': '2026-11-30T00:00:00Z',
  'region': 'eu-west-1',
  'resources': [],
  'detail-type': 'Test',
};
const event = (detail: Record<string, unknown>) => JSON.stringify({ ...BASE, detail });
const match = (pattern: Record<string, unknown>, detail: Record<string, unknown>) =>
  testEventPattern(JSON.stringify({ detail: pattern }), event(detail));

describe('EventBridge matching rules', () => {
  test.each([
    // exact: strings case-sensitive, numbers numerically, null
    ['exact string', { state: ['running'] }, { state: 'running' }, true],
    ['exact string, other case', { state: ['running'] }, { state: 'Running' }, false],
    ['exact number 5 against 5.0', { n: [5] }, { n: 5.0 }, true],
    ['exact number against a string', { n: [5] }, { n: '5' }, false],
    ['null', { v: [null] }, { v: null }, true],
    ['null against absent', { v: [null] }, {}, false],
    ['alternatives ORed', { state: ['a', 'b'] }, { state: 'b' }, true],
    // arrays in the event: any element
    ['array element', { tags: ['x'] }, { tags: ['w', 'x'] }, true],
    ['array without', { tags: ['x'] }, { tags: ['w'] }, false],
    // prefix / suffix / ignore case / wildcard
    ['prefix', { r: [{ prefix: 'us-' }] }, { r: 'us-east-1' }, true],
    ['prefix, not', { r: [{ prefix: 'us-' }] }, { r: 'eu-west-1' }, false],
    ['prefix on a number', { r: [{ prefix: '1' }] }, { r: 12 }, false],
    ['prefix ignore case', { r: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, { r: 'eventbridge' }, true],
    ['suffix', { f: [{ suffix: '.png' }] }, { f: 'a.png' }, true],
    ['suffix ignore case', { f: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { f: 'a.PNG' }, true],
    ['equals-ignore-case', { s: [{ 'equals-ignore-case': 'alice' }] }, { s: 'ALICE' }, true],
    ['wildcard', { p: [{ wildcard: 'dir/*.png' }] }, { p: 'dir/sub/a.png' }, true],
    ['wildcard, not', { p: [{ wildcard: 'dir/*.png' }] }, { p: 'dir/a.jpg' }, false],
    // anything-but
    ['anything-but string', { s: [{ 'anything-but': 'init' }] }, { s: 'run' }, true],
    ['anything-but string, equal', { s: [{ 'anything-but': 'init' }] }, { s: 'init' }, false],
    ['anything-but list', { s: [{ 'anything-but': ['a', 'b'] }] }, { s: 'b' }, false],
    ['anything-but number', { n: [{ 'anything-but': [100, 200] }] }, { n: 300 }, true],
    ['anything-but does not match absent', { s: [{ 'anything-but': 'init' }] }, {}, false],
    ['anything-but prefix', { r: [{ 'anything-but': { prefix: 'us-' } }] }, { r: 'us-west-2' }, false],
    ['anything-but suffix', { f: [{ 'anything-but': { suffix: '.png' } }] }, { f: 'a.txt' }, true],
    ['anything-but ignore case', { s: [{ 'anything-but': { 'equals-ignore-case': ['Init'] } }] }, { s: 'INIT' }, false],
    // numeric
    ['numeric >=', { x: [{ numeric: ['>=', 7] }] }, { x: 7 }, true],
    ['numeric > boundary', { x: [{ numeric: ['>', 7] }] }, { x: 7 }, false],
    ['numeric range', { x: [{ numeric: ['>', 0, '<=', 5] }] }, { x: 5 }, true],
    ['numeric range, above', { x: [{ numeric: ['>', 0, '<=', 5] }] }, { x: 5.01 }, false],
    ['numeric =', { x: [{ numeric: ['=', 3.018e2] }] }, { x: 301.8 }, true],
    ['numeric on a string', { x: [{ numeric: ['>', 0] }] }, { x: '10' }, false],
    // exists
    ['exists true', { s: [{ exists: true }] }, { s: 'x' }, true],
    ['exists true, absent', { s: [{ exists: true }] }, {}, false],
    ['exists false, absent', { s: [{ exists: false }] }, {}, true],
    ['exists false, present', { s: [{ exists: false }] }, { s: null }, false],
    ['exists on an object (not a leaf)', { o: [{ exists: true }] }, { o: { a: 1 } }, false],
    ['exists false, empty array', { s: [{ exists: false }] }, { s: [] }, true],
    // cidr
    ['cidr IPv4', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
    ['cidr IPv4, outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
    ['cidr IPv6', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1' }, true],
    // nesting, AND, $or
    ['nested AND', { a: { b: ['x'] }, c: ['y'] }, { a: { b: 'x' }, c: 'y' }, true],
    ['nested AND, one fails', { a: { b: ['x'] }, c: ['y'] }, { a: { b: 'x' }, c: 'z' }, false],
    ['nested in an array of objects', { a: { b: ['x'] } }, { a: [{ b: 'w' }, { b: 'x' }] }, true],
    ['$or', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' }, true],
    ['$or, neither', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { a: '2' }, false],
  ] as Array<[string, Record<string, unknown>, Record<string, unknown>, boolean]>)('%s', (_name, pattern, detail, expected) => {
    expect(match(pattern, detail)).toBe(expected);
  });

  test.each([
    ['not an object', '[1]'],
    ['a leaf that is not an array', '{"a":"x"}'],
    ['an empty array', '{"a":[]}'],
    ['an unknown matcher', '{"a":[{"regex":"x"}]}'],
    ['a bad numeric operator', '{"a":[{"numeric":["!=",1]}]}'],
    ['a reversed numeric range', '{"a":[{"numeric":["<",5,">",1]}]}'],
    ['a number out of range', '{"a":[{"numeric":[">",6e9]}]}'],
    ['a mixed anything-but list', '{"a":[{"anything-but":["x",1]}]}'],
    ['a bad CIDR', '{"a":[{"cidr":"10.0.0.0/33"}]}'],
    ['$or with one pattern', '{"$or":[{"a":["x"]}]}'],
  ])('refused: %s', (_name, pattern) => {
    expect(() => testEventPattern(pattern, JSON.stringify(BASE))).toThrow();
  });

  test('an event without a required field is refused', () => {
    const { time: _time, ...withoutTime } = BASE;
    expect(() => testEventPattern('{"source":["aws.test"]}', JSON.stringify(withoutTime))).toThrow(/"time"/);
  });
});

describe('TestEventPattern through the real client', () => {
  let api: LocalApi;
  let client: EventBridgeClient;
  beforeAll(async () => {
    api = await new LocalApi().start();
    client = new EventBridgeClient({ region: 'eu-west-1', endpoint: api.url, credentials: api.credentialsFor('111111111111'), maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await api.stop();
  });

  test('answers Result, and logs the call', async () => {
    const yes = await client.send(new TestEventPatternCommand({ EventPattern: '{"source":["aws.test"]}', Event: JSON.stringify(BASE) }));
    const no = await client.send(new TestEventPatternCommand({ EventPattern: '{"source":["aws.other"]}', Event: JSON.stringify(BASE) }));
    expect([yes.Result, no.Result]).toEqual([true, false]);
    expect(api.callsOf('TestEventPattern').map((c) => [c.service, c.status])).toEqual([['events', 200], ['events', 200]]);
  });

  test('a bad pattern is InvalidEventPatternException', async () => {
    await expect(client.send(new TestEventPatternCommand({ EventPattern: '{"a":"x"}', Event: JSON.stringify(BASE) })))
      .rejects.toBeInstanceOf(InvalidEventPatternException);
  });

  test('a role without events:TestEventPattern is denied', async () => {
    const principal = api.iam.registerRole({ account: '111111111111', roleName: 'NoEvents', sessionName: 't', policies: [] });
    const denied = new EventBridgeClient({ region: 'eu-west-1', endpoint: api.url, credentials: api.credentialsOf(principal), maxAttempts: 1 });
    await expect(denied.send(new TestEventPatternCommand({ EventPattern: '{"source":["aws.test"]}', Event: JSON.stringify(BASE) })))
      .rejects.toMatchObject({ name: 'AccessDeniedException' });
    denied.destroy();
  });
});
