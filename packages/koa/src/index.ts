export const packageName = '@plug-session/koa';
