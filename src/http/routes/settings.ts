import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { currencySettingsInput, currencySettingsSchema } from '../../domain/currency.ts';
import type { Deps } from '../../usecases/context.ts';
import { getCurrencySettings, updateCurrencySettings } from '../../usecases/currency-settings.ts';
import { errors } from '../schemas.ts';

/** Installation settings: the base currency and exchange rates ARR is compared with. */
export function registerSettingsRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['settings'];
  r.get('/api/v1/settings/currency', {
    schema: {
      tags,
      summary: 'The base currency, the exchange rates into it and the ARR bands of the inbox filter',
      response: { 200: currencySettingsSchema, ...errors() },
    },
    handler: async (request) => getCurrencySettings(deps, request.actor),
  });
  r.put('/api/v1/settings/currency', {
    schema: {
      tags,
      summary: 'Set the base currency and replace every exchange rate (admins)',
      description:
        'A rate is the value of one unit of that currency in the base currency. Accounts in a currency without a rate show no base amount and fall in the `unknown` ARR band. Feedback is re-banded in the same transaction.',
      body: currencySettingsInput,
      response: { 200: currencySettingsSchema, ...errors(403) },
    },
    handler: async (request) => updateCurrencySettings(deps, request.actor, request.body),
  });
}
