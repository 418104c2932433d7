// Builds dist/ from the packages package-lock.json pins: npm ci, then node build.mjs.
// dist/app.js is one ES module (Vue and ODK Web Forms), dist/versions.json names the
// versions it was built from; the Go package embeds both and a test checks them against
// package-lock.json. Web Forms' own English words are replaced by id.mjs's Indonesian.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { replacements } from './id.mjs';

const version = (name) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;

// indonesian replaces Web Forms' English literals with id.mjs's Indonesian; every literal
// must be found exactly once, else the build fails.
const found = new Map(replacements.map(([from]) => [from, 0]));
const indonesian = {
  name: 'indonesian',
  setup(b) {
    b.onLoad({ filter: /[\\/]@getodk[\\/]web-forms[\\/]dist[\\/][^\\/]+\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of replacements) {
        const parts = text.split(from);
        found.set(from, found.get(from) + parts.length - 1);
        text = parts.join(to);
      }
      return { contents: text, loader: 'js' };
    });
    b.onEnd(() => {
      const bad = [...found].filter(([, n]) => n !== 1);
      if (bad.length) {
        throw new Error('Web Forms literals not found exactly once:\n' + bad.map(([f, n]) => `  ${n}x ${f}`).join('\n'));
      }
    });
  },
};

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
  plugins: [indonesian],
});
const versions = {
  '@getodk/web-forms': version('@getodk/web-forms'),
  vue: version('vue'),
  esbuild: version('esbuild'),
};
writeFileSync('dist/versions.json', JSON.stringify(versions, null, 2) + '\n');
console.log('built dist/app.js from', versions);
