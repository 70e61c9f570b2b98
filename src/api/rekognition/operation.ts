// What an operation handler is: a schema for its request and a function from the validated request to the
// response body. Handlers are thin: they call services and map the result with rekognition.mappers.ts.
import type { z } from 'zod';
import type { Container } from '../../app/container.ts';
import type { Logger } from '../../logger.ts';

export interface OperationContext {
  container: Container;
  log: Logger;
  /** Who called: `sigv4:<the permanent access key>` (also behind temporary credentials), or `anonymous` (auth off). */
  caller?: string;
}

export interface Operation<S extends z.ZodType = z.ZodType> {
  schema: S;
  handle(request: z.output<S>, ctx: OperationContext): Promise<Record<string, unknown>>;
}

/** Ties a handler's parameter type to its schema. */
export const operation = <S extends z.ZodType>(
  schema: S,
  handle: (request: z.output<S>, ctx: OperationContext) => Promise<Record<string, unknown>>,
): Operation<S> => ({ schema, handle });
