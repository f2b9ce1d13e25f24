// `npm run docs:config`: rewrites the README's configuration table from the schema (src/config/schema.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { configTableMarkdown } from '../src/config/index.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const readme = readFileSync('README.md', 'utf8');
const i = readme.indexOf(START);
const j = readme.indexOf(END);
if (i < 0 || j < i) throw new Error('README.md has no config-table markers');
writeFileSync(
  'README.md',
  `${readme.slice(0, i + START.length)}\n${configTableMarkdown()}\n${readme.slice(j)}`,
);
console.log('README.md configuration table updated.');
