/** The contract between the local API's HTTP layer and each service's implementation. */
import { ValidationFailure } from './model';

/** An error the service answers: an error shape of its model and that shape's members. */
export class ApiError extends Error {
  constructor(public readonly shape: string, public readonly members: Record<string, unknown>) {
    super(String(members.Message ?? members.message ?? shape));
  }
}

/** Who is calling, where, and what. */
export interface ServiceContext {
  readonly account: string;
  readonly region: string;
  readonly operation: string;
}

export interface ServiceImplementation {
  /** Run an operation on validated input (SDK member names); throw `ApiError` to fail it. */
  invoke(context: ServiceContext, input: Record<string, any>): Promise<Record<string, unknown>>;
  /** The service's answer to a request that breaks its model. */
  validationError(failure: ValidationFailure): ApiError;
}
