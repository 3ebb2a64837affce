import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listQuery } from '../../domain/common.ts';
import { AppError } from '../../domain/errors.ts';
import {
  createTokenInput,
  createUserInput,
  loginInput,
  setupInput,
  tokenSchema,
  updateUserInput,
  userSchema,
} from '../../domain/user.ts';
import { completeSetup, createToken, listTokens, login, logout, revokeToken } from '../../usecases/auth.ts';
import type { Deps } from '../../usecases/context.ts';
import { createUser, getUser, listUsers, updateUser } from '../../usecases/users.ts';
import { clearSessionCookies, setSessionCookies } from '../auth.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

export function registerAuthRoutes(app: FastifyInstance, deps: Deps, opts: { secureCookies: boolean }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth & people'];

  r.post('/api/v1/auth/login', {
    schema: {
      tags,
      summary: 'Sign in; returns a session token (usable as a bearer) and sets the session cookie',
      body: loginInput,
      response: {
        200: z.object({ user: userSchema, token: z.string(), csrfToken: z.string(), expiresAt: z.string() }),
        ...errors(429),
      },
    },
    handler: async (request, reply) => {
      const result = await login(deps, request.body, request.ip);
      setSessionCookies(reply, result, opts.secureCookies);
      return result;
    },
  });

  r.post('/api/v1/auth/logout', {
    schema: {
      tags,
      summary: 'End this session (or revoke the bearer token used)',
      response: { 204: noContent, ...errors(403) },
    },
    handler: async (request, reply) => {
      if (request.auth) await logout(deps, request.auth.secret);
      clearSessionCookies(reply);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/me', {
    schema: {
      tags,
      summary: 'Who am I',
      response: { 200: z.object({ user: userSchema, via: z.enum(['bearer', 'cookie']) }), ...errors() },
    },
    handler: async (request) => {
      if (!request.auth) throw new AppError('unauthenticated', 'sign in or send a bearer token');
      return { user: request.auth.user, via: request.auth.via };
    },
  });

  r.post('/api/v1/setup', {
    schema: {
      tags,
      summary: 'Create the first admin with the one-time setup token printed at first start',
      body: setupInput,
      response: { 201: userSchema, ...errors(403) },
    },
    handler: async (request, reply) => reply.code(201).send(await completeSetup(deps, request.body)),
  });

  r.get('/api/v1/tokens', {
    schema: {
      tags,
      summary: 'API tokens: your own; admins see everybody’s (or ?userId=)',
      querystring: z.strictObject({ userId: z.string().max(100).optional() }),
      response: { 200: z.object({ items: z.array(tokenSchema) }), ...errors() },
    },
    handler: async (request) => ({ items: await listTokens(deps, request.actor, request.query) }),
  });

  r.post('/api/v1/tokens', {
    schema: {
      tags,
      summary: 'Create an API token; the secret is shown only in this response',
      body: createTokenInput,
      response: {
        201: z.object({ id: z.string(), token: z.string(), item: tokenSchema }),
        ...errors(403, 404),
      },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createToken(deps, request.actor, request.body)),
  });

  r.delete('/api/v1/tokens/:id', {
    schema: {
      tags,
      summary: 'Revoke an API token',
      params: idParams,
      response: { 200: tokenSchema, ...errors(403, 404) },
    },
    handler: async (request) => revokeToken(deps, request.actor, request.params.id),
  });

  r.get('/api/v1/users', {
    schema: {
      tags,
      summary: 'List people',
      querystring: listQuery,
      response: { 200: pageOf(userSchema), ...errors(403) },
    },
    handler: async (request) => listUsers(deps, request.actor, request.query),
  });

  r.post('/api/v1/users', {
    schema: {
      tags,
      summary: 'Add a person (admins)',
      body: createUserInput,
      response: { 201: userSchema, ...errors(403, 409) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createUser(deps, request.actor, request.body)),
  });

  r.get('/api/v1/users/:id', {
    schema: {
      tags,
      summary: 'One person',
      params: idParams,
      response: { 200: userSchema, ...errors(403, 404) },
    },
    handler: async (request) => getUser(deps, request.actor, request.params.id),
  });

  r.patch('/api/v1/users/:id', {
    schema: {
      tags,
      summary: 'Change name or password (yourself), role or disabled (admins)',
      params: idParams,
      body: updateUserInput,
      response: { 200: userSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updateUser(deps, request.actor, request.params.id, request.body),
  });
}
