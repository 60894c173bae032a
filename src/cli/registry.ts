// The command tree: management groups load their modules on first use (start-up speed), and
// docker's top-level shortcuts (run, ps, images...) point into those groups.
import type { Command } from './command.js';

export interface GroupEntry {
  short: string;
  load: () => Promise<Command[]>;
  /** Not listed in the root help (as docker's `completion`). */
  hidden?: boolean;
}

export const groups: Record<string, GroupEntry> = {
  builder: { short: 'Manage builds', load: async () => [...(await import('./commands/builder.js')).commands, ...(await import('./commands/build.js')).commands] },
  container: { short: 'Manage containers', load: async () => (await import('./commands/container.js')).commands },
  completion: {
    short: 'Generate the autocompletion script for the specified shell',
    load: async () => (await import('./commands/completion.js')).commands,
    hidden: true,
  },
  context: { short: 'Manage contexts', load: async () => (await import('./commands/context.js')).commands },
  image: {
    short: 'Manage images',
    load: async () => [
      ...(await import('./commands/image.js')).commands,
      ...(await import('./commands/build.js')).commands,
      ...(await import('./commands/search.js')).commands,
    ],
  },
  network: { short: 'Manage networks', load: async () => (await import('./commands/network.js')).commands },
  system: { short: 'Manage Docker', load: async () => (await import('./commands/system.js')).commands },
  volume: { short: 'Manage volumes', load: async () => (await import('./commands/volume.js')).commands },
};

/** Top-level command name -> [group, subcommand name, short description]. */
export const shortcuts: Record<string, [string, string, string]> = {
  run: ['container', 'run', 'Create and run a new container from an image'],
  exec: ['container', 'exec', 'Execute a command in a running container'],
  ps: ['container', 'ls', 'List containers'],
  build: ['image', 'build', 'Build an image from a Dockerfile'],
  pull: ['image', 'pull', 'Download an image from a registry'],
  push: ['image', 'push', 'Upload an image to a registry'],
  images: ['image', 'ls', 'List images'],
  login: ['system', 'login', 'Authenticate to a registry'],
  logout: ['system', 'logout', 'Log out from a registry'],
  search: ['image', 'search', 'Search Docker Hub for images'],
  version: ['system', 'version', 'Show the Docker version information'],
  info: ['system', 'info', 'Display system-wide information'],
  attach: ['container', 'attach', 'Attach local standard input, output, and error streams to a running container'],
  commit: ['container', 'commit', "Create a new image from a container's changes"],
  cp: ['container', 'cp', 'Copy files/folders between a container and the local filesystem'],
  create: ['container', 'create', 'Create a new container'],
  diff: ['container', 'diff', "Inspect changes to files or directories on a container's filesystem"],
  events: ['system', 'events', 'Get real time events from the server'],
  export: ['container', 'export', "Export a container's filesystem as a tar archive"],
  history: ['image', 'history', 'Show the history of an image'],
  import: ['image', 'import', 'Import the contents from a tarball to create a filesystem image'],
  inspect: ['system', 'inspect', 'Return low-level information on Docker objects'],
  kill: ['container', 'kill', 'Kill one or more running containers'],
  load: ['image', 'load', 'Load an image from a tar archive or STDIN'],
  logs: ['container', 'logs', 'Fetch the logs of a container'],
  pause: ['container', 'pause', 'Pause all processes within one or more containers'],
  port: ['container', 'port', 'List port mappings or a specific mapping for the container'],
  rename: ['container', 'rename', 'Rename a container'],
  restart: ['container', 'restart', 'Restart one or more containers'],
  rm: ['container', 'rm', 'Remove one or more containers'],
  rmi: ['image', 'rm', 'Remove one or more images'],
  save: ['image', 'save', 'Save one or more images to a tar archive (streamed to STDOUT by default)'],
  start: ['container', 'start', 'Start one or more stopped containers'],
  stats: ['container', 'stats', 'Display a live stream of container(s) resource usage statistics'],
  stop: ['container', 'stop', 'Stop one or more running containers'],
  tag: ['image', 'tag', 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'],
  top: ['container', 'top', 'Display the running processes of a container'],
  unpause: ['container', 'unpause', 'Unpause all processes within one or more containers'],
  update: ['container', 'update', 'Update configuration of one or more containers'],
  wait: ['container', 'wait', 'Block until one or more containers stop, then print their exit codes'],
};

const common = ['run', 'exec', 'ps', 'build', 'pull', 'push', 'images', 'login', 'logout', 'search', 'version', 'info'];

export function rootHelp(globalOptions: string, prog: string): string {
  const line = (name: string, short: string) => `  ${name.padEnd(11)} ${short}`;
  const rest = Object.keys(shortcuts)
    .filter((n) => !common.includes(n))
    .sort();
  return [
    `Usage:  ${prog} [OPTIONS] COMMAND`,
    '',
    'A self-sufficient runtime for containers',
    '',
    'Common Commands:',
    ...common.map((n) => line(n, shortcuts[n][2])),
    '',
    'Management Commands:',
    ...Object.entries(groups)
      .filter(([, g]) => !g.hidden)
      .map(([n, g]) => line(n, g.short)),
    '',
    'Commands:',
    ...rest.map((n) => line(n, shortcuts[n][2])),
    '',
    'Global Options:',
    globalOptions,
    '',
    `Run '${prog} COMMAND --help' for more information on a command.`,
    '',
  ].join('\n');
}
