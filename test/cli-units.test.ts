// Unit checks of the CLI's Go-compatible pieces with outputs taken from docker/Go behaviour:
// the template engine, tabwriter, go-units sizes and durations, pflag-style parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, type FlagSpec } from '../src/cli/flags.js';
import { displayablePorts, ellipsis } from '../src/cli/format/names.js';
import { tabwrite } from '../src/cli/format/tabwriter.js';
import { bytesSize, humanDuration, humanSize } from '../src/cli/format/units.js';
import { indentJSON } from '../src/cli/format/json-indent.js';
import { Template } from '../src/common/go-template/exec.js';
import { TemplateError } from '../src/common/go-template/parse.js';
import { fromJSON } from '../src/common/go-template/values.js';

const exec = (src: string, data: unknown) => new Template(src).execute(fromJSON(data));

describe('Go template subset', () => {
  const data = {
    Name: '/web',
    Config: { Labels: { z: '1', a: '2' }, Env: ['A=1', 'B=2'], Cmd: null, Volumes: null },
    State: { Status: 'running', Running: true, Pid: 42, Error: '' },
    NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' }, other: { IPAddress: '10.0.0.2' } } },
  };

  it('prints values the way fmt does', () => {
    assert.equal(exec('{{.Config.Labels}}', data), 'map[a:2 z:1]');
    assert.equal(exec('{{.Config.Env}}', data), '[A=1 B=2]');
    assert.equal(exec('{{.State}}', data), '{running true 42 }');
    assert.equal(exec('{{.Config.Cmd}} {{.Config.Volumes}}', data), '[] map[]');
    assert.equal(exec('{{json .Config.Cmd}} {{json .Config.Volumes}}', data), 'null null');
    assert.equal(exec('{{.Config.Labels.missing}}', data), '<no value>');
  });

  it('handles range, with, if/else-if, variables and pipelines', () => {
    assert.equal(exec('{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', data), '172.17.0.2 10.0.0.2 ');
    assert.equal(exec('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}}', data), 'a=2,z=1,');
    assert.equal(exec('{{range .Config.Cmd}}x{{else}}empty{{end}}', data), 'empty');
    assert.equal(exec('{{with .State}}{{.Pid}}{{end}}', data), '42');
    assert.equal(exec('{{if eq .State.Pid 1}}a{{else if gt .State.Pid 10}}b{{else}}c{{end}}', data), 'b');
    assert.equal(exec('{{$n := .Name}}{{range .Config.Env}}{{$n}}{{end}}', data), '/web/web');
    assert.equal(exec('{{.Name | upper | printf "%q"}}', data), '"/WEB"');
    assert.equal(exec('{{ .Name -}}   |   {{- .Name }}', data), '/web|/web');
    assert.equal(exec('{{/* comment */}}x', data), 'x');
    assert.equal(exec('{{index .Config.Env 1}} {{index .Config.Labels "a"}} {{len .Config.Env}}', data), 'B=2 2 2');
  });

  it('has docker\'s extra functions', () => {
    assert.equal(exec('{{join .Config.Env ","}}', data), 'A=1,B=2');
    assert.equal(exec('{{split "a:b" ":"}}', data), '[a b]');
    assert.equal(exec('{{title "hello big world"}}', data), 'Hello Big World');
    assert.equal(exec('{{truncate "abcdef" 3}}|{{pad "x" 2 1}}|{{pad "" 2 1}}|', data), 'abc|  x ||');
    assert.equal(exec('{{json .Name}} {{lower "AbC"}}', data), '"/web" abc');
    assert.equal(exec('{{println "a" 1}}', data), 'a 1\n');
    assert.equal(exec('{{print "a" 1 2 "b"}}', data), 'a1 2b');
  });

  it('reports errors with Go\'s wording', () => {
    assert.throws(() => new Template('{{.Name'), (e: Error) => e instanceof TemplateError && e.message === 'template: :1: unclosed action');
    assert.throws(() => exec('x{{.Nope}}', data), /template: :1:3: executing "" at <.Nope>: map has no entry for key "Nope"/);
    assert.throws(() => exec('{{nofunc 1}}', data), /function "nofunc" not defined/);
  });
});

describe('tabwriter', () => {
  it('aligns tab-terminated cells with minwidth 10 and padding 3', () => {
    assert.equal(tabwrite('A\tBB\tC\nlonger-cell\tx\ty\n'), 'A             BB        C\nlonger-cell   x         y\n');
    assert.equal(tabwrite('UID\tPID\nroot\t1\n', 20, 3), 'UID                 PID\nroot                1\n');
    // A line without tabs ends the column block.
    assert.equal(tabwrite('a\tb\nplain\nccccccccccccc\td\n'), 'a         b\nplain\nccccccccccccc   d\n');
  });
});

describe('go-units and docker formatting', () => {
  it('formats sizes like HumanSize / BytesSize', () => {
    assert.equal(humanSize(0, 3), '0B');
    assert.equal(humanSize(999, 3), '999B');
    assert.equal(humanSize(1000, 3), '1kB');
    assert.equal(humanSize(1500, 3), '1.5kB');
    assert.equal(humanSize(1984230, 3), '1.98MB');
    assert.equal(humanSize(1984230), '1.984MB');
    assert.equal(humanSize(999999, 3), '1e+03kB');
    assert.equal(bytesSize(335872), '328KiB');
  });

  it('formats durations like HumanDuration', () => {
    assert.equal(humanDuration(500), 'Less than a second');
    assert.equal(humanDuration(1500), '1 second');
    assert.equal(humanDuration(59000), '59 seconds');
    assert.equal(humanDuration(61000), 'About a minute');
    assert.equal(humanDuration(45 * 60000), '45 minutes');
    assert.equal(humanDuration(90 * 60000), '2 hours');
    assert.equal(humanDuration(72 * 3600000), '3 days');
  });

  it('shortens commands and groups ports', () => {
    assert.equal(ellipsis('sh -c while true; do sleep 1; done', 20), 'sh -c while true; d…');
    assert.equal(
      displayablePorts([
        { PrivatePort: 80, Type: 'tcp', IP: '0.0.0.0', PublicPort: 8080 },
        { PrivatePort: 81, Type: 'tcp' },
        { PrivatePort: 82, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' },
      ]),
      '53/udp, 81-82/tcp, 0.0.0.0:8080->80/tcp',
    );
  });

  it('indents raw JSON like json.Indent, keeping escapes', () => {
    assert.equal(indentJSON('[{"a":[],"b":{"c":"\\u003c"}}]', '', '    '), '[\n    {\n        "a": [],\n        "b": {\n            "c": "\\u003c"\n        }\n    }\n]');
  });
});

describe('pflag-style parsing', () => {
  const specs: FlagSpec[] = [
    { name: 'interactive', short: 'i', kind: 'bool', usage: '' },
    { name: 'tty', short: 't', kind: 'bool', usage: '' },
    { name: 'publish', short: 'p', kind: 'list', usage: '' },
    { name: 'name', kind: 'string', usage: '' },
    { name: 'last', short: 'n', kind: 'int', usage: '' },
  ];

  it('parses clusters, attached values and terminators', () => {
    const r = parseFlags(['-it', '-p80:80', '-p', '81:81', '--name=x', 'image', '--tty', 'cmd'], specs, false);
    assert.equal(r.flags.bool('interactive'), true);
    assert.deepEqual(r.flags.list('publish'), ['80:80', '81:81']);
    assert.equal(r.flags.string('name'), 'x');
    assert.deepEqual(r.args, ['image', '--tty', 'cmd']);
    const r2 = parseFlags(['a', '-n', '3', '--', '-b'], specs, true);
    assert.equal(r2.flags.int('last'), 3);
    assert.deepEqual(r2.args, ['a', '-b']);
  });

  it('rejects bad input with pflag\'s messages', () => {
    assert.throws(() => parseFlags(['--nope'], specs), /^Error: unknown flag: --nope$/);
    assert.throws(() => parseFlags(['-x'], specs), /unknown shorthand flag: 'x' in -x/);
    assert.throws(() => parseFlags(['--name'], specs), /flag needs an argument: --name/);
    assert.throws(() => parseFlags(['-n', 'abc'], specs), /invalid argument "abc" for "-n, --last" flag: strconv.ParseInt: parsing "abc": invalid syntax/);
  });
});
