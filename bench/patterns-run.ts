/** Prints the pattern benchmark: node --import tsx bench/patterns-run.ts [full|quick] [--suggest-only] */
import { benchPatterns } from './patterns.ts';

const scale = process.argv[2] === 'full' ? 'full' : 'quick';
console.log(await benchPatterns({ scale, suggestOnly: process.argv.includes('--suggest-only') }));
