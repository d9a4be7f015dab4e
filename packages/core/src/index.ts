export const packageName = '@plug-session/core';
