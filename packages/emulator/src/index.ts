export { startEmulator } from './server.js';
export type {
  Emulator,
  EmulatorCall,
  EmulatorFault,
  EmulatorOptions,
  EmulatorTokenClaims,
  EmulatorVerification,
  TokenRejection,
  TokenVerification,
} from './types.js';
