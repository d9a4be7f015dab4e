import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import plugSessionDefault, { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';

describe('types', () => {
  it('types request.plugSessionToken as string | undefined without a cast', async () => {
    const app = Fastify();
    await app.register(plugSession, {
      appAccessToken: 'aat',
      resolveUser: (request) => {
        expectTypeOf(request.plugSessionToken).toEqualTypeOf<string | undefined>();
        return null;
      },
    });
    app.get('/', async (request) => {
      expectTypeOf(request.plugSessionToken).toEqualTypeOf<string | undefined>();
      return { token: request.plugSessionToken ?? null };
    });
    await app.close();
  });

  it('exports the plugin as default too, with the hook option typed', () => {
    expectTypeOf(plugSessionDefault).toEqualTypeOf(plugSession);
    expectTypeOf<PlugSessionFastifyOptions['hook']>().toEqualTypeOf<
      'onRequest' | 'preParsing' | 'preValidation' | 'preHandler' | undefined
    >();
  });
});
