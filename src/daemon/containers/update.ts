// POST /containers/{id}/update: checks an update as dockerd does (same messages) and merges it
// into the HostConfig; the running task gets the new limits through the OCI LinuxResources.
import { cpus } from 'node:os';
import { conflict, invalid } from '../../common/errors.js';
import { resources, type SpecHostConfig } from '../../runtime/oci-spec.js';
import { validateHostConfig } from './create-config.js';
import { checkUpdateFields } from './field-support.js';

export const LINUX_RESOURCES_TYPE = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

// Fields an update may change; a zero (or absent) value leaves the current one, as in dockerd.
const FIELDS = ['CpuShares', 'CpuPeriod', 'CpuQuota', 'CpusetCpus', 'CpusetMems', 'MemoryReservation', 'PidsLimit'];

/** The HostConfig after the update; throws dockerd's errors. `id` is for the "Cannot update" prefix. */
export function updatedHostConfig(id: string, current: Record<string, any>, body: Record<string, any>): Record<string, any> {
  checkUpdateFields(body);
  const hc = structuredClone(current);
  const cannot = (msg: string) => conflict(`Cannot update container ${id}: ${msg}`);
  const nano = Number(body.NanoCpus ?? 0);
  const ncpu = cpus().length;
  if (nano < 0 || (nano > 0 && (nano < 1e7 || nano > ncpu * 1e9))) {
    throw invalid(`Range of CPUs is from 0.01 to ${ncpu.toFixed(2)}, as there are only ${ncpu} CPUs available`);
  }
  if (body.RestartPolicy?.Name !== undefined && body.RestartPolicy.Name !== '') {
    if (hc.AutoRemove && body.RestartPolicy.Name !== 'no') throw invalid('Restart policy cannot be updated because AutoRemove is enabled for the container');
    hc.RestartPolicy = { Name: body.RestartPolicy.Name, MaximumRetryCount: Number(body.RestartPolicy.MaximumRetryCount ?? 0) };
  }
  const mem = Number(body.Memory ?? 0);
  const swap = Number(body.MemorySwap ?? 0);
  if (mem !== 0) {
    if (hc.MemorySwap > 0 && mem > hc.MemorySwap && swap === 0) {
      throw cannot('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    hc.Memory = mem;
  }
  if (swap !== 0) hc.MemorySwap = swap;
  if (nano !== 0) {
    if (hc.CpuQuota > 0 && !body.CpuQuota) throw cannot('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
    if (hc.CpuPeriod > 0 && !body.CpuPeriod) throw cannot('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
    hc.NanoCpus = nano;
  }
  for (const f of FIELDS) if (body[f] !== undefined && body[f] !== null && body[f] !== 0 && body[f] !== '') hc[f] = body[f];
  if (hc.NanoCpus > 0 && (body.CpuQuota > 0 || body.CpuPeriod > 0) && nano === 0) {
    throw cannot('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  }
  validateHostConfig(hc);
  return hc;
}

/** The limits a running task gets (memory, cpu, pids; devices are left as they are). */
export function taskResources(hc: Record<string, any>): object {
  const { devices: _devices, ...rest } = resources(hc as SpecHostConfig, []);
  return rest;
}
