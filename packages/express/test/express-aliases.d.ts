// The npm aliases of the version matrix have no types of their own: both are typed by
// @types/express, whose surface is the same for what these tests use.
declare module 'express4' {
  import express = require('express');
  export = express;
}
declare module 'express5' {
  import express = require('express');
  export = express;
}
