// The Engine API shapes the CLI reads (a subset of the v1.50 spec; unknown fields pass through).

export interface Port {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: Port[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  NetworkSettings?: { Networks?: Record<string, unknown> };
  Mounts?: Array<{ Name?: string; Source?: string; Type?: string }>;
  [k: string]: unknown;
}

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
  [k: string]: unknown;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    [k: string]: unknown;
  };
  Image: string;
  Config: {
    Tty: boolean;
    OpenStdin: boolean;
    AttachStdin?: boolean;
    Image: string;
    [k: string]: unknown;
  };
  HostConfig: { AutoRemove?: boolean; [k: string]: unknown };
  NetworkSettings: {
    Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ProgressMessage {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: Record<string, unknown>;
}
