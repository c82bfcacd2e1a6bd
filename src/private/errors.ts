import { IConstruct } from 'constructs';

/**
 * A synth-time error about a construct's input. The message names the construct's path, the
 * property, the rule and the value, so the user can find and fix it without reading our code.
 */
export class ValidationError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = 'ValidationError';
  }
}
