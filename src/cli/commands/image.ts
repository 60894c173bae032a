// The `image` management group: ls, history, rm, inspect, prune, tag, save, load, import,
// pull and push.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { ApiError } from '../../client/errors.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { filtersJSON, splitReference } from '../format/names.js';
import { humanSize } from '../format/units.js';
import { inspectObjects, rawGetter } from '../inspect.js';
import { displayProgress } from '../progress.js';
import { registryAuthHeader, withDefaultTag } from '../registry-auth.js';
import { history, images } from './image-list.js';
import { confirm, formatFlag, pipeAll } from './shared.js';
import { jsonMessages } from '../../client/engine.js';

const enc = encodeURIComponent;

export const rmi: Command = {
  name: 'rm',
  aliases: ['remove', 'rmi'],
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  aliasPaths: ['image rm', 'image remove', 'rmi'],
  args: { min: 1 },
  flags: [
    { name: 'force', short: 'f', kind: 'bool', usage: 'Force removal of the image' },
    { name: 'no-prune', kind: 'bool', usage: 'Do not delete untagged parents' },
  ],
  async run(cli, flags, args) {
    const errors: string[] = [];
    for (const name of args) {
      try {
        const items = await cli.engine.json<Array<{ Untagged?: string; Deleted?: string }>>('DELETE', `/images/${enc(name)}`, {
          query: { force: flags.bool('force') || undefined, noprune: flags.bool('no-prune') || undefined },
        });
        cli.out(items.map((i) => (i.Untagged ? `Untagged: ${i.Untagged}\n` : `Deleted: ${i.Deleted}\n`)).join(''));
      } catch (e) {
        if (e instanceof ApiError) errors.push(`Error response from daemon: ${e.message}`);
        else throw e;
      }
    }
    if (errors.length) throw new StatusError(1, errors.join('\n'));
    return 0;
  },
};

export const imageInspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Display detailed information on one or more images',
  args: { min: 1 },
  flags: [formatFlag(false, 'f')],
  run: (cli, flags, args) =>
    inspectObjects(cli, args, rawGetter(cli, (n) => `/images/${n}/json`), { format: flags.string('format') }),
};

export const imagePrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused images',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  async run(cli, flags) {
    const all = flags.bool('all');
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.';
    if (!flags.bool('force') && !(await confirm(cli, warning))) return 0;
    const filters = [...flags.list('filter'), `dangling=${all ? 'false' : 'true'}`];
    const r = await cli.engine.json<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }>(
      'POST',
      '/images/prune',
      { query: { filters: filtersJSON(filters) } },
    );
    let out = '';
    if (r.ImagesDeleted?.length) {
      out += 'Deleted Images:\n';
      for (const i of r.ImagesDeleted) out += i.Untagged ? `untagged: ${i.Untagged}\n` : `deleted: ${i.Deleted}\n`;
      out += '\n';
    }
    cli.out(`${out}Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    return 0;
  },
};

export const tag: Command = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  aliasPaths: ['image tag', 'tag'],
  args: { min: 2, max: 2 },
  flags: [],
  async run(cli, _f, [source, target]) {
    const r = splitReference(target);
    await cli.engine.call('POST', `/images/${enc(source)}/tag`, { query: { repo: r.repo, tag: r.tag ?? 'latest' } });
  },
};

export const save: Command = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  aliasPaths: ['image save', 'save'],
  args: { min: 1 },
  flags: [{ name: 'output', short: 'o', kind: 'string', usage: 'Write to a file, instead of STDOUT' }],
  async run(cli, flags, args) {
    const out = flags.string('output');
    if (!out && process.stdout.isTTY) {
      throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await cli.engine.request('GET', '/images/get', { query: { names: args } });
    await pipeAll(res, out ? createWriteStream(out) : process.stdout);
  },
};

export const load: Command = {
  name: 'load',
  usage: '[OPTIONS]',
  short: 'Load an image from a tar archive or STDIN',
  aliasPaths: ['image load', 'load'],
  args: { min: 0, max: 0 },
  flags: [
    { name: 'input', short: 'i', kind: 'string', usage: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress the load output' },
  ],
  async run(cli, flags) {
    const input = flags.string('input');
    if (!input && process.stdin.isTTY) {
      throw new StatusError(1, 'requested load from stdin, but stdin is empty');
    }
    if (input && !existsSync(input)) throw new StatusError(1, `open ${input}: no such file or directory`);
    const quiet = flags.bool('quiet') || !process.stdout.isTTY;
    const res = await cli.engine.request('POST', '/images/load', {
      query: { quiet: quiet ? 1 : undefined },
      stream: input ? createReadStream(input) : process.stdin,
      contentType: 'application/x-tar',
    });
    if (res.headers['content-type'] === 'application/json') await displayProgress(res, process.stdout);
    else await pipeAll(res, process.stdout);
  },
};

export const importCommand: Command = {
  name: 'import',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  short: 'Import the contents from a tarball to create a filesystem image',
  aliasPaths: ['image import', 'import'],
  args: { min: 1, max: 2 },
  flags: [
    { name: 'change', short: 'c', kind: 'list', usage: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', usage: 'Set commit message for imported image' },
    { name: 'platform', kind: 'string', usage: 'Set platform if server is multi-platform capable' },
  ],
  async run(cli, flags, [source, ref]) {
    const r = ref ? splitReference(ref) : undefined;
    const isUrl = /^https?:\/\//.test(source);
    if (!isUrl && source !== '-' && !existsSync(source)) throw new StatusError(1, `open ${source}: no such file or directory`);
    const res = await cli.engine.request('POST', '/images/create', {
      query: {
        fromSrc: isUrl ? source : '-',
        repo: r?.repo,
        tag: r?.tag,
        message: flags.string('message') || undefined,
        changes: flags.list('change'),
        platform: flags.string('platform') || undefined,
      },
      stream: isUrl ? undefined : source === '-' ? process.stdin : createReadStream(source),
    });
    await displayProgress(res, process.stdout);
  },
};

export const pull: Command = {
  name: 'pull',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  short: 'Download an image from a registry',
  aliasPaths: ['image pull', 'pull'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', usage: 'Download all tagged images in the repository' },
    { name: 'disable-content-trust', kind: 'bool', usage: 'Skip image verification', default: true },
    { name: 'platform', kind: 'string', usage: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress verbose output' },
  ],
  async run(cli, flags, [name]) {
    const r = splitReference(name);
    const all = flags.bool('all-tags');
    if (!r.tag && !r.digest && !all) cli.out('Using default tag: latest\n');
    const res = await cli.engine.request('POST', '/images/create', {
      query: { fromImage: r.repo, tag: all ? undefined : (r.digest ?? r.tag ?? 'latest'), platform: flags.string('platform') || undefined },
      headers: registryAuthHeader(cli, name),
    });
    if (flags.bool('quiet')) {
      for await (const m of jsonMessages(res)) if (m.error) throw new StatusError(1, m.errorDetail?.message ?? m.error);
    } else await displayProgress(res, process.stdout);
    cli.out(`${all ? r.repo : withDefaultTag(name)}\n`);
  },
};

export const push: Command = {
  name: 'push',
  usage: '[OPTIONS] NAME[:TAG]',
  short: 'Upload an image to a registry',
  aliasPaths: ['image push', 'push'],
  args: { min: 1, max: 1 },
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', usage: 'Push all tags of an image to the repository' },
    { name: 'disable-content-trust', kind: 'bool', usage: 'Skip image signing', default: true },
    { name: 'quiet', short: 'q', kind: 'bool', usage: 'Suppress verbose output' },
  ],
  async run(cli, flags, [name]) {
    const r = splitReference(name);
    const all = flags.bool('all-tags');
    if (!r.tag && !all) cli.out('Using default tag: latest\n');
    const res = await cli.engine.request('POST', `/images/${enc(r.repo)}/push`, {
      query: { tag: all ? undefined : (r.tag ?? 'latest') },
      headers: registryAuthHeader(cli, name),
    });
    if (flags.bool('quiet')) {
      for await (const m of jsonMessages(res)) if (m.error) throw new StatusError(1, m.errorDetail?.message ?? m.error);
      cli.out(`${withDefaultTag(name)}\n`);
    } else await displayProgress(res, process.stdout);
  },
};

export const commands: Command[] = [history, importCommand, imageInspect, load, images, imagePrune, pull, push, rmi, save, tag];
