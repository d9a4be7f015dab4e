// koa2 and koa3 are npm aliases of koa@2 and koa@3, which ship no types of their own;
// both are typed by @types/koa, as users of either version are.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
declare module 'koa3' {
  import Koa from 'koa';
  export default Koa;
}
