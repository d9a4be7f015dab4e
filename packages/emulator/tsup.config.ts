import { packageBuild } from '../../tsup.base';

// cli.ts is the `plug-session-emulator` bin.
export default packageBuild(['src/index.ts', 'src/cli.ts']);
