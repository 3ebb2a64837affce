import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  accountListQuery,
  accountSchema,
  contactListQuery,
  contactSchema,
  createAccountInput,
  createContactInput,
  updateAccountInput,
  updateContactInput,
} from '../../domain/account.ts';
import {
  createProductInput,
  productListQuery,
  productSchema,
  updateProductInput,
} from '../../domain/product.ts';
import {
  createAccount,
  createContact,
  deleteAccount,
  deleteContact,
  getAccount,
  getContact,
  listAccounts,
  listContacts,
  updateAccount,
  updateContact,
} from '../../usecases/accounts.ts';
import type { Deps } from '../../usecases/context.ts';
import {
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../../usecases/products.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';

/** Products, and the customers (accounts, contacts) whose feedback gives them commercial weight. */
export function registerProductRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  let tags = ['products'];

  r.get('/api/v1/products', {
    schema: {
      tags,
      summary: 'List products',
      querystring: productListQuery,
      response: { 200: pageOf(productSchema), ...errors() },
    },
    handler: async (request) => listProducts(deps, request.actor, request.query),
  });
  r.post('/api/v1/products', {
    schema: {
      tags,
      summary: 'Create a product',
      body: createProductInput,
      response: { 201: productSchema, ...errors(403, 409) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createProduct(deps, request.actor, request.body)),
  });
  r.get('/api/v1/products/:id', {
    schema: {
      tags,
      summary: 'One product, by id or slug',
      params: idParams,
      response: { 200: productSchema, ...errors(404) },
    },
    handler: async (request) => getProduct(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/products/:id', {
    schema: {
      tags,
      summary: 'Change a product (any subset of fields, status included)',
      params: idParams,
      body: updateProductInput,
      response: { 200: productSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updateProduct(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/products/:id', {
    schema: {
      tags,
      summary: 'Delete a product nothing refers to (otherwise retire it)',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404, 409) },
    },
    handler: async (request, reply) => {
      await deleteProduct(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });

  tags = ['customers'];
  r.get('/api/v1/accounts', {
    schema: {
      tags,
      summary: 'List accounts',
      querystring: accountListQuery,
      response: { 200: pageOf(accountSchema), ...errors() },
    },
    handler: async (request) => listAccounts(deps, request.actor, request.query),
  });
  r.post('/api/v1/accounts', {
    schema: {
      tags,
      summary: 'Create an account (ARR in minor units)',
      body: createAccountInput,
      response: { 201: accountSchema, ...errors(403, 409) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createAccount(deps, request.actor, request.body)),
  });
  r.get('/api/v1/accounts/:id', {
    schema: {
      tags,
      summary: 'One account',
      params: idParams,
      response: { 200: accountSchema, ...errors(404) },
    },
    handler: async (request) => getAccount(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/accounts/:id', {
    schema: {
      tags,
      summary: 'Change an account',
      params: idParams,
      body: updateAccountInput,
      response: { 200: accountSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updateAccount(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/accounts/:id', {
    schema: {
      tags,
      summary: 'Delete an account (its contacts stay, without account)',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteAccount(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/contacts', {
    schema: {
      tags,
      summary: 'List contacts',
      querystring: contactListQuery,
      response: { 200: pageOf(contactSchema), ...errors() },
    },
    handler: async (request) => listContacts(deps, request.actor, request.query),
  });
  r.post('/api/v1/contacts', {
    schema: {
      tags,
      summary: 'Create a contact',
      body: createContactInput,
      response: { 201: contactSchema, ...errors(403, 409) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createContact(deps, request.actor, request.body)),
  });
  r.get('/api/v1/contacts/:id', {
    schema: {
      tags,
      summary: 'One contact',
      params: idParams,
      response: { 200: contactSchema, ...errors(404) },
    },
    handler: async (request) => getContact(deps, request.actor, request.params.id),
  });
  r.patch('/api/v1/contacts/:id', {
    schema: {
      tags,
      summary: 'Change a contact',
      params: idParams,
      body: updateContactInput,
      response: { 200: contactSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) => updateContact(deps, request.actor, request.params.id, request.body),
  });
  r.delete('/api/v1/contacts/:id', {
    schema: {
      tags,
      summary: 'Delete a contact (their feedback stays)',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteContact(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
