// Docker's default seccomp profile as berth data (facts from Docker's published default profile:
// syscall names, actions, errno values, arch and capability conditions), and the translation of a
// Docker-format profile (this one, or a custom JSON profile from `--security-opt seccomp=…`) into the
// OCI `linux.seccomp` section for this host: like Docker's setupSeccomp, rules are kept or dropped by
// the host architecture, the kernel version and the container's bounding capabilities.
import { arch as nodeArch, release } from 'node:os';
import { invalid } from '../common/errors.js';

interface SeccompArg { index: number; value: number; valueTwo?: number; op: string }
interface Condition { arches?: string[]; caps?: string[]; minKernel?: string }
interface DockerRule {
  name?: string; names?: string[]; action: string; errnoRet?: number; args?: SeccompArg[] | null;
  includes?: Condition; excludes?: Condition; comment?: string;
}
/** A seccomp profile in Docker's JSON format. */
export interface DockerProfile {
  defaultAction: string; defaultErrnoRet?: number; flags?: string[];
  architectures?: string[]; archMap?: { architecture: string; subArchitectures: string[] | null }[] | null;
  syscalls?: DockerRule[] | null;
}
/** The OCI runtime spec's `linux.seccomp`. */
export interface OciSeccomp {
  defaultAction: string; defaultErrnoRet?: number; flags?: string[]; architectures?: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args?: SeccompArg[] }[];
}

const rule = (action: string, names: string, extra: Omit<DockerRule, 'action' | 'names'> = {}): DockerRule =>
  ({ names: names.split(' '), action: `SCMP_ACT_${action}`, ...extra });

const DEFAULT_PROFILE: DockerProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    { architecture: 'SCMP_ARCH_MIPS64', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'] },
    { architecture: 'SCMP_ARCH_MIPS64N32', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64'] },
    { architecture: 'SCMP_ARCH_MIPSEL64', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'] },
    { architecture: 'SCMP_ARCH_MIPSEL64N32', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64'] },
    { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
    { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: null },
    { architecture: 'SCMP_ARCH_LOONGARCH64', subArchitectures: null },
  ],
  syscalls: [
    rule('ALLOW', 'accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32' +
      ' clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64' +
      ' clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3' +
      ' epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait' +
      ' epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64' +
      ' fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl' +
      ' fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstat64 fstatat64' +
      ' fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait' +
      ' futex_waitv futex_wake futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid' +
      ' geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid' +
      ' getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list' +
      ' getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr' +
      ' getxattrat inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy' +
      ' io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit ipc kill' +
      ' landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link' +
      ' linkat listen listmount listxattr listxattrat llistxattr _llseek lremovexattr lseek lsetxattr lstat' +
      ' lstat64 madvise map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod' +
      ' mknodat mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive' +
      ' mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv' +
      ' msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat _newselect open openat' +
      ' openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll' +
      ' ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64' +
      ' pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom recvmmsg' +
      ' recvmmsg_time64 recvmsg remap_file_pages removexattr removexattrat rename renameat renameat2' +
      ' restart_syscall riscv_hwprobe rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo' +
      ' rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo' +
      ' sched_getaffinity sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min' +
      ' sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity' +
      ' sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop' +
      ' semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32' +
      ' setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid' +
      ' setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list' +
      ' setsid setsockopt set_thread_area set_tid_address setuid setuid32 setxattr setxattrat shmat shmctl' +
      ' shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall socketpair' +
      ' splice stat stat64 statfs statfs64 statmount statx symlink symlinkat sync sync_file_range syncfs' +
      ' sysinfo tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64' +
      ' timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime' +
      ' timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat uretprobe' +
      ' utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev'),
    rule('ALLOW', 'process_vm_readv process_vm_writev ptrace', { includes: { minKernel: '4.8' } }),
    rule('ALLOW', 'socket', { args: [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }] }),
    rule('ALLOW', 'socket', { args: [{ index: 0, value: 39, op: 'SCMP_CMP_EQ' }] }),
    rule('ALLOW', 'socket', { args: [{ index: 0, value: 40, op: 'SCMP_CMP_GT' }] }),
    rule('ALLOW', 'personality', { args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] }),
    rule('ALLOW', 'personality', { args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }),
    rule('ALLOW', 'personality', { args: [{ index: 0, value: 131072, op: 'SCMP_CMP_EQ' }] }),
    rule('ALLOW', 'personality', { args: [{ index: 0, value: 131080, op: 'SCMP_CMP_EQ' }] }),
    rule('ALLOW', 'personality', { args: [{ index: 0, value: 4294967295, op: 'SCMP_CMP_EQ' }] }),
    rule('ALLOW', 'sync_file_range2 swapcontext', { includes: { arches: ['ppc64le'] } }),
    rule('ALLOW', 'arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls', { includes: { arches: ['arm', 'arm64'] } }),
    rule('ALLOW', 'arch_prctl', { includes: { arches: ['amd64', 'x32'] } }),
    rule('ALLOW', 'modify_ldt', { includes: { arches: ['amd64', 'x32', 'x86'] } }),
    rule('ALLOW', 's390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr', { includes: { arches: ['s390', 's390x'] } }),
    rule('ALLOW', 'riscv_flush_icache', { includes: { arches: ['riscv64'] } }),
    rule('ALLOW', 'open_by_handle_at', { includes: { caps: ['CAP_DAC_READ_SEARCH'] } }),
    rule('ALLOW', 'bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie lsm_get_self_attr' +
      ' lsm_list_modules lsm_set_self_attr mount mount_setattr move_mount open_tree perf_event_open quotactl' +
      ' quotactl_fd setdomainname sethostname setns syslog umount umount2 unshare', { includes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule('ALLOW', 'clone', { args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] } }),
    rule('ALLOW', 'clone', { args: [{ index: 1, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }], includes: { arches: ['s390', 's390x'] }, excludes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule('ERRNO', 'clone3', { errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule('ALLOW', 'reboot', { includes: { caps: ['CAP_SYS_BOOT'] } }),
    rule('ALLOW', 'chroot', { includes: { caps: ['CAP_SYS_CHROOT'] } }),
    rule('ALLOW', 'delete_module init_module finit_module', { includes: { caps: ['CAP_SYS_MODULE'] } }),
    rule('ALLOW', 'acct', { includes: { caps: ['CAP_SYS_PACCT'] } }),
    rule('ALLOW', 'kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace', { includes: { caps: ['CAP_SYS_PTRACE'] } }),
    rule('ALLOW', 'iopl ioperm', { includes: { caps: ['CAP_SYS_RAWIO'] } }),
    rule('ALLOW', 'settimeofday stime clock_settime clock_settime64', { includes: { caps: ['CAP_SYS_TIME'] } }),
    rule('ALLOW', 'vhangup', { includes: { caps: ['CAP_SYS_TTY_CONFIG'] } }),
    rule('ALLOW', 'get_mempolicy mbind set_mempolicy set_mempolicy_home_node', { includes: { caps: ['CAP_SYS_NICE'] } }),
    rule('ALLOW', 'syslog', { includes: { caps: ['CAP_SYSLOG'] } }),
    rule('ALLOW', 'bpf', { includes: { caps: ['CAP_BPF'] } }),
    rule('ALLOW', 'perf_event_open', { includes: { caps: ['CAP_PERFMON'] } }),
  ],
};

// Go's GOARCH (the names Docker profiles use in includes/excludes) for Node's process.arch.
const GO_ARCH: Record<string, string> = {
  x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64',
  loong64: 'loong64', mips64el: 'mips64le',
};
const NATIVE_SECCOMP_ARCH: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', '386': 'SCMP_ARCH_X86', arm64: 'SCMP_ARCH_AARCH64', arm: 'SCMP_ARCH_ARM',
  ppc64le: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64',
  loong64: 'SCMP_ARCH_LOONGARCH64', mips64le: 'SCMP_ARCH_MIPSEL64',
};

function kernelAtLeast(min: string): boolean {
  const [want, have] = [min, release()].map((v) => v.split(/[.-]/).slice(0, 2).map((n) => parseInt(n, 10) || 0));
  return have[0] > want[0] || (have[0] === want[0] && have[1] >= want[1]);
}

/** Whether a profile rule applies to a container with these bounding caps on this host (Docker's rules). */
function applies(r: DockerRule, goArch: string, caps: readonly string[]): boolean {
  const ex = r.excludes ?? {};
  if (ex.arches?.includes(goArch)) return false;
  if (ex.caps?.some((c) => caps.includes(c))) return false;
  if (ex.minKernel && kernelAtLeast(ex.minKernel)) return false;
  const inc = r.includes ?? {};
  if (inc.arches?.length && !inc.arches.includes(goArch)) return false;
  if (inc.caps?.length && !inc.caps.every((c) => caps.includes(c))) return false;
  return !(inc.minKernel && !kernelAtLeast(inc.minKernel));
}

/** The OCI `linux.seccomp` for a Docker-format profile and the container's bounding capabilities. */
export function ociSeccomp(profile: DockerProfile, boundingCaps: readonly string[]): OciSeccomp {
  const goArch = GO_ARCH[nodeArch()] ?? nodeArch();
  if (profile.architectures?.length && profile.archMap?.length) {
    throw invalid("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  const native = NATIVE_SECCOMP_ARCH[goArch];
  const architectures = profile.architectures?.length ? [...profile.architectures]
    : (profile.archMap ?? []).filter((a) => a.architecture === native)
      .flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])]);
  const out: OciSeccomp = { defaultAction: profile.defaultAction, syscalls: [] };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  if (profile.flags?.length) out.flags = profile.flags;
  if (architectures.length) out.architectures = architectures;
  for (const r of profile.syscalls ?? []) {
    if (r.name && r.names?.length) {
      throw invalid("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    }
    if (!applies(r, goArch, boundingCaps)) continue;
    const call: OciSeccomp['syscalls'][number] = { names: r.name ? [r.name] : [...(r.names ?? [])], action: r.action };
    if (r.errnoRet !== undefined) call.errnoRet = r.errnoRet;
    if (r.args?.length) call.args = r.args;
    out.syscalls.push(call);
  }
  return out;
}

/** Docker's default profile for a container with these bounding capabilities. */
export const defaultSeccomp = (boundingCaps: readonly string[]): OciSeccomp => ociSeccomp(DEFAULT_PROFILE, boundingCaps);

/** A custom profile given as JSON text (what `docker run --security-opt seccomp=FILE` sends). */
export function customSeccomp(json: string, boundingCaps: readonly string[]): OciSeccomp {
  let profile: DockerProfile;
  try {
    profile = JSON.parse(json) as DockerProfile;
  } catch (e) {
    throw invalid(`Decoding seccomp profile failed: ${(e as Error).message}`);
  }
  return ociSeccomp(profile, boundingCaps);
}
