import { packageBuild } from '../../tsup.base';

// cli/cli.ts is the `plug-session` bin (dist/cli.js, with its shebang kept and made executable).
export default packageBuild({ index: 'src/index.ts', cli: 'src/cli/cli.ts' });
