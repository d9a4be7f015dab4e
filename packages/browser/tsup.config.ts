import { browserPackageBuild } from '../../tsup.base';

export default browserPackageBuild({ index: 'src/index.ts' });
