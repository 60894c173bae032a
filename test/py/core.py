"""docker-py (Debian python3-docker 5.0.3) against the engine in DOCKER_HOST.

Usage: core.py PREFIX   (names of everything created start with PREFIX; all of it is removed)
Prints one "ok <check>" line per passed check; exits non-zero with a traceback on failure.
"""
import sys

import docker

prefix = sys.argv[1]
client = docker.from_env(timeout=60)
created = []


def ok(what):
    print("ok", what, flush=True)


def check(cond, what, detail=""):
    if not cond:
        raise AssertionError(f"{what}: {detail}")


try:
    check(client.ping() is True, "ping")
    ok("ping")

    v = client.version()
    check(v["Os"] == "linux" and v["ApiVersion"].startswith("1."), "version", v)
    check(any(c["Name"] == "Engine" for c in v.get("Components", [])), "version components", v)
    ok("version")

    out = client.containers.run("busybox", ["echo", "hello from docker-py"], remove=True)
    check(out == b"hello from docker-py\n", "run echo", out)
    ok("containers.run echo")

    name = f"{prefix}-py-detached"
    c = client.containers.run(
        "busybox",
        ["sh", "-c", "echo to-out; echo to-err >&2; exit 3"],
        detach=True,
        name=name,
        labels={prefix: "py"},
    )
    created.append(c)
    res = c.wait(timeout=30)
    check(res["StatusCode"] == 3, "wait", res)
    check(c.logs(stdout=True, stderr=False) == b"to-out\n", "logs stdout", c.logs(stdout=True, stderr=False))
    check(c.logs(stdout=False, stderr=True) == b"to-err\n", "logs stderr", c.logs(stdout=False, stderr=True))
    c.reload()
    check(c.status == "exited" and c.name == name, "reload", (c.status, c.name))
    listed = client.containers.list(all=True, filters={"label": f"{prefix}=py"})
    check([x.id for x in listed] == [c.id], "containers.list filter", listed)
    c.remove()
    created.remove(c)
    check(client.containers.list(all=True, filters={"name": name}) == [], "remove")
    ok("containers.run detach, wait, logs, remove")

    try:
        client.containers.run("busybox", ["sh", "-c", "echo boom >&2; exit 2"], remove=True)
        raise AssertionError("ContainerError expected")
    except docker.errors.ContainerError as err:
        check(err.exit_status == 2, "ContainerError exit status", err.exit_status)
    ok("ContainerError on non-zero exit")

    # docker-py follows the logs, inspects and waits after the start: the auto-removed container
    # must still be there for all three once its command failed.
    for _ in range(3):
        try:
            client.containers.run("busybox", ["sh", "-c", "echo boom >&2; exit 4"], auto_remove=True)
            raise AssertionError("ContainerError expected")
        except docker.errors.ContainerError as err:
            check(err.exit_status == 4, "auto_remove ContainerError exit status", err.exit_status)
    ok("ContainerError on non-zero exit with auto_remove")

    try:
        client.containers.get(f"{prefix}-nosuch")
        raise AssertionError("NotFound expected")
    except docker.errors.NotFound:
        pass
    ok("NotFound")

    img = client.images.get("busybox:latest")
    check(img.id.startswith("sha256:") and "busybox:latest" in img.tags, "images.get", img.tags)
    ref = f"{prefix}-py-img"
    check(img.tag(ref, tag="v1") is True, "tag")
    check(client.images.get(f"{ref}:v1").id == img.id, "tagged id")
    check(any(f"{ref}:v1" in i.tags for i in client.images.list()), "images.list")
    check([i.id for i in client.images.list(name=ref)] == [img.id], "images.list name", client.images.list(name=ref))
    client.images.remove(f"{ref}:v1")
    check(client.images.list(name=ref) == [], "images.remove")
    ok("images.list/get/tag/remove")

    c = client.containers.run("busybox", ["sleep", "300"], detach=True, name=f"{prefix}-py-exec")
    created.append(c)
    r = c.exec_run(["sh", "-c", "echo $X; id -u; pwd"], environment={"X": "from-exec"}, user="1000", workdir="/tmp")
    check(r.exit_code == 0 and r.output == b"from-exec\n1000\n/tmp\n", "exec_run", r)
    r = c.exec_run(["sh", "-c", "exit 5"])
    check(r.exit_code == 5, "exec_run exit code", r)
    r = c.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True)
    check(r.output == (b"o\n", b"e\n"), "exec_run demux", r.output)
    ok("exec_run")

    # A pseudo-terminal turns \n into \r\n, in every way docker-py reads an exec's output.
    r = c.exec_run(["echo", "hello out"], tty=True)
    check(r.output == b"hello out\r\n", "exec_run tty", r.output)
    r = c.exec_run(["echo", "hello out"], tty=True, demux=True)
    check(r.output == (b"hello out\r\n", None), "exec_run tty demux", r.output)
    r = c.exec_run(["echo", "hello out"], tty=True, stream=True)
    check(b"".join(r.output) == b"hello out\r\n", "exec_run tty stream", r.output)
    ok("exec_run with a tty")

    c.kill()
    check(c.wait(timeout=30)["StatusCode"] == 137, "wait after kill")
    ok("kill and wait")

    names = {n.name for n in client.networks.list()}
    check({"bridge", "host", "none"} <= names, "networks.list", names)
    bridge = client.networks.get("bridge")
    check(bridge.attrs["Driver"] == "bridge", "networks.get", bridge.attrs)
    ok("networks.list")

    info = client.info()
    check(info["OSType"] == "linux" and info["Images"] >= 1, "info", info)
    ok("info")

    try:
        client.images.load(b"this is not an image archive")
        raise AssertionError("images.load of garbage did not raise")
    except docker.errors.ImageLoadError as err:
        check(str(err) != "", "ImageLoadError carries the message", err)
    ok("images.load of garbage raises ImageLoadError")
finally:
    for c in created:
        try:
            c.remove(force=True)
        except docker.errors.APIError:
            pass
