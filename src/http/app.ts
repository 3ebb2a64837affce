import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Deps } from '../usecases/context.ts';
import { registerAuthentication } from './auth.ts';
import { handleError, handleNotFound } from './errors.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerBuilderRoutes } from './routes/builders.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerExportRoutes } from './routes/export.ts';
import { registerFeedbackRoutes } from './routes/feedback.ts';
import { registerImportRoutes } from './routes/imports.ts';
import { registerImprovementRoutes } from './routes/improvements.ts';
import { registerInboundSourceRoutes } from './routes/inbound-sources.ts';
import { registerItemRoutes } from './routes/items.ts';
import { registerLoopRoutes } from './routes/loop.ts';
import { registerPatternRoutes } from './routes/patterns.ts';
import { registerPortalRoutes } from './routes/portal.ts';
import { registerProductRoutes } from './routes/products.ts';
import { registerReflectRoutes } from './routes/reflect.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { DEFAULT_WEB_ROOT, registerWebApp } from './web-app.ts';

export interface AppOptions {
  publicUrl: string;
  logLevel?: string;
  /** false in tests that want a quiet app */
  logger?: boolean;
  /** GITHUB_WEBHOOK_SECRET; unset, the GitHub webhook answers 404 */
  githubWebhookSecret?: string | null;
  /** The built web app (default `dist/web`); a missing build makes its pages say how to build it. */
  webRoot?: string;
  /** Heartbeat of live-update streams (default 15 s); tests shorten it. */
  eventsHeartbeatMs?: number;
}

/** Builds the HTTP app around its dependencies; `app.inject` drives it in tests without a port. */
export async function buildApp(deps: Deps, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: options.logLevel ?? 'info',
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
          },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ajv: undefined,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);

  const secure = options.publicUrl.startsWith('https:');
  await registerSecurityHeaders(app, { secure });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'productOS API',
        version: '1.0.0',
        description:
          'Observe → reflect → design → ship → measure. JSON, camelCase, string ids. Errors are always `{"error":{"code","message","fields"}}`. Lists take `?limit=&cursor=` and answer `{"items","nextCursor"}`.',
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'an API token, or the session token from sign-in',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'productos_session',
            description: 'writes also need the x-csrf-token header',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const webApp = registerWebApp(app, options.webRoot ?? DEFAULT_WEB_ROOT);
  app.setNotFoundHandler((request, reply) => {
    if (!webApp.serve(request, reply)) handleNotFound(request, reply);
  });

  registerAuthentication(app, deps);
  registerSystemRoutes(app, deps);
  registerAuthRoutes(app, deps, { secureCookies: secure });
  registerProductRoutes(app, deps);
  registerFeedbackRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerWebhookRoutes(app, deps, { githubWebhookSecret: options.githubWebhookSecret ?? null });
  registerInboundSourceRoutes(app, deps);
  registerPortalRoutes(app, deps);
  registerPatternRoutes(app, deps);
  registerImprovementRoutes(app, deps);
  registerItemRoutes(app, deps);
  registerReflectRoutes(app, deps);
  registerLoopRoutes(app, deps);
  registerBuilderRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerEventRoutes(app, deps, { heartbeatMs: options.eventsHeartbeatMs ?? 15_000 });
  registerExportRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
