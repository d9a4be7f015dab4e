export const packageName = '@plug-session/fastify';
