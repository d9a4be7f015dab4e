export const packageName = '@plug-session/emulator';
