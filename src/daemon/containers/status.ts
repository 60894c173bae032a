// Docker's human-readable container status ("Up 3 seconds", "Exited (0) 2 minutes ago").
import { parseTime, type ContainerRecord } from './record.js';

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.round(ms / 3_600_000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

export function statusText(rec: ContainerRecord, now = Date.now()): string {
  const s = rec.State;
  if (s.RemovalInProgress) return 'Removal In Progress';
  if (s.Dead) return 'Dead';
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(now - parseTime(s.FinishedAt))} ago`;
  if (s.Running) return `Up ${humanDuration(now - parseTime(s.StartedAt))}${s.Paused ? ' (Paused)' : ''}`;
  if (s.FinishedAt.startsWith('0001-')) return 'Created';
  return `Exited (${s.ExitCode}) ${humanDuration(now - parseTime(s.FinishedAt))} ago`;
}

/** The State.Status word. */
export function stateWord(rec: ContainerRecord): ContainerRecord['State']['Status'] {
  const s = rec.State;
  if (s.RemovalInProgress) return 'removing';
  if (s.Dead) return 'dead';
  if (s.Restarting) return 'restarting';
  if (s.Running) return s.Paused ? 'paused' : 'running';
  return s.StartedAt.startsWith('0001-') && s.FinishedAt.startsWith('0001-') ? 'created' : 'exited';
}
