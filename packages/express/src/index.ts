export const packageName = '@plug-session/express';
