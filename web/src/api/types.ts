import type { paths } from './openapi.gen.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The 200 (or 201) body of a GET route, from the generated OpenAPI types. */
export type Ok<P extends keyof paths, M extends 'get' | 'post' | 'patch' = 'get'> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer C }
      ? Json<C>
      : never
  : never;

export type Feedback = Ok<'/api/v1/feedback/{id}'>;
export type FeedbackPage = Ok<'/api/v1/feedback'>;
export type FeedbackQuery = NonNullable<paths['/api/v1/feedback']['get']['parameters']['query']>;
export type Pattern = Ok<'/api/v1/patterns/{id}'>;
export type Product = Ok<'/api/v1/products/{id}'>;
export type Contact = Ok<'/api/v1/contacts/{id}'>;
export type Suggestions = Ok<'/api/v1/feedback/{id}/suggestions'>;
export type Me = Ok<'/api/v1/me'>;
export type User = Me['user'];
