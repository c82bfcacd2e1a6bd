/** Reading custom resource properties (lambda/shared/props.ts): CloudFormation's strings and what it may pass through. */
import { parseBoolean, sameStringMap } from '../../../lambda/shared/props';

test.each([['true', true], [true, true], ['false', false], [false, false]])('parseBoolean(%j) is %j', (value, expected) => {
  expect(parseBoolean(value, 'P')).toBe(expected);
});

test.each([['TRUE'], ['1'], [1], [undefined], ['']])('parseBoolean(%j) fails naming the property and the value', (value) => {
  expect(() => parseBoolean(value, 'Invitation.DisableEmailNotification'))
    .toThrow(`property Invitation.DisableEmailNotification must be "true" or "false", got: ${JSON.stringify(value)}`);
});

test.each([
  [undefined, undefined, true],
  [{}, undefined, true],
  [{ a: '1' }, { a: '1' }, true],
  [{ a: '1' }, { a: '2' }, false],
  [{ a: '1' }, { b: '1' }, false],
  [{ a: '1' }, { a: '1', b: '2' }, false],
])('sameStringMap(%j, %j) is %j', (a, b, expected) => {
  expect(sameStringMap(a, b)).toBe(expected);
  expect(sameStringMap(b, a)).toBe(expected);
});
