/**
 * The SDK clients' default credential provider, as the bundle resolves it: credentials from the
 * environment only. Lambda gives a function its role's credentials in `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, the first source of the SDK's default chain; the
 * rest of the chain (profiles, SSO, web identity, process, container and instance metadata, with
 * the STS and SSO clients they carry) is never reached in Lambda and was a fifth of the bundle.
 * The bundle aliases `@aws-sdk/credential-provider-node` to this module (see `.projenrc.ts`).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The provider the SDK's runtime config asks `@aws-sdk/credential-provider-node` for. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
