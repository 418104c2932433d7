// Builds dist/ from the packages package-lock.json pins: npm ci, then node build.mjs.
// dist/app.js is one ES module (Vue and ODK Web Forms), dist/versions.json names the
// versions it was built from; the Go package embeds both and a test checks them against
// package-lock.json.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';

const version = (name) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: ['entry.js'],
  bundle: true,
  format: 'esm',
  minify: true,
  legalComments: 'eof',
  target: ['es2022'],
  outfile: 'dist/app.js',
  define: {
    'process.env.NODE_ENV': '"production"',
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  logLevel: 'warning',
});
const versions = {
  '@getodk/web-forms': version('@getodk/web-forms'),
  vue: version('vue'),
  esbuild: version('esbuild'),
};
writeFileSync('dist/versions.json', JSON.stringify(versions, null, 2) + '\n');
console.log('built dist/app.js from', versions);
