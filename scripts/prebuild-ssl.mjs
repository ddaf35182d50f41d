// Copies the TLS addon (build/Release/selectors_ssl.addon, see binding.gyp)
// next to the main prebuild, under the name src/ssl/native.ts looks for:
// prebuilds/<platform>-<arch>/selectors_ssl[.<libc>].addon. prebuildify
// itself only takes the first *.node file of build/Release. Run after
// prebuildify by `npm run prebuilds`; strips it as prebuildify --strip does.
import {execFileSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';

const source = join('build', 'Release', 'selectors_ssl.addon');
if (!existsSync(source)) {
	console.log(`prebuild-ssl: no ${source}; the TLS addon is not prebuilt`);
	process.exit(0);
}

const dir = join('prebuilds', `${process.platform}-${process.arch}`);
const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? '.musl' : '.glibc') : '';
const target = join(dir, `selectors_ssl${libc}.addon`);
mkdirSync(dir, {recursive: true});
copyFileSync(source, target);
try {
	execFileSync('strip', process.platform === 'darwin' ? ['-x', target] : ['--strip-all', target]);
} catch {
	console.log('prebuild-ssl: strip failed; the prebuild keeps its symbols');
}

console.log(`prebuild-ssl: ${target}`);
