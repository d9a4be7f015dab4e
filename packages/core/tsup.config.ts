import { packageBuild } from '../../tsup.base';

// cli.ts is the `plug-session` bin (dist/cli.js, with its shebang kept and made executable).
export default packageBuild(['src/index.ts', 'src/cli.ts']);
