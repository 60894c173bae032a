// `system df`: disk usage of images, containers, volumes and build cache.
import type { Command } from '../command.js';
import { renderList } from '../format/list.js';
import { humanSize } from '../format/units.js';
import { formatFlag } from './shared.js';

interface DiskUsage {
  LayersSize: number;
  Images: Array<{ Containers: number; Size: number; SharedSize: number; VirtualSize?: number }> | null;
  Containers: Array<{ State: string; SizeRw?: number }> | null;
  Volumes: Array<{ UsageData?: { Size: number; RefCount: number } | null }> | null;
  BuildCache?: Array<{ InUse: boolean; Shared: boolean; Size: number }> | null;
}

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

export const df: Command = {
  name: 'df',
  usage: '[OPTIONS]',
  short: 'Show docker disk usage',
  args: { min: 0, max: 0 },
  flags: [formatFlag(true)],
  async run(cli, flags) {
    const du = await cli.engine.get<DiskUsage>('/system/df');
    const images = du.Images ?? [];
    let used = 0;
    for (const i of images) {
      if (i.Containers === 0 || i.SharedSize === -1) continue;
      used += (i.VirtualSize ?? i.Size) - i.SharedSize;
    }
    const containers = du.Containers ?? [];
    const active = (c: { State: string }) => ['running', 'paused', 'restarting'].includes(c.State);
    const cSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
    const cRecl = containers.filter((c) => !active(c)).reduce((a, c) => a + (c.SizeRw ?? 0), 0);
    const volumes = du.Volumes ?? [];
    const vSize = volumes.reduce((a, v) => a + (v.UsageData && v.UsageData.Size !== -1 ? v.UsageData.Size : 0), 0);
    const vRecl = volumes.reduce((a, v) => a + (v.UsageData && v.UsageData.RefCount === 0 && v.UsageData.Size !== -1 ? v.UsageData.Size : 0), 0);
    const cache = du.BuildCache ?? [];
    const bSize = cache.filter((b) => !b.Shared).reduce((a, b) => a + b.Size, 0);
    const bRecl = cache.filter((b) => !b.InUse && !b.Shared).reduce((a, b) => a + b.Size, 0);
    const rows = [
      { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(du.LayersSize), Reclaimable: withPercent(du.LayersSize - used, du.LayersSize) },
      { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter(active).length), Size: humanSize(cSize), Reclaimable: withPercent(cRecl, cSize) },
      { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(vSize), Reclaimable: withPercent(vRecl, vSize) },
      { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: humanSize(bSize), Reclaimable: humanSize(bRecl) },
    ];
    cli.out(
      renderList(
        {
          format: flags.string('format'),
          table: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
          headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
        },
        rows,
      ),
    );
  },
};
