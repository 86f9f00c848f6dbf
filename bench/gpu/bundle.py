#!/usr/bin/env python3
"""Builds .gpu/ (git-ignored): what the CUDA check (bench/gpu/check.sh) needs on a GPU machine that has
PyTorch's libraries but no JVM and no network, in under the device tool's 64 MiB: a jlinked JRE, one
jar of the classes the train command really loads (from class-load logs of two demo runs, host and
device gather), Arrow's dataset JNI library (xz), DJL 0.32.0's JNI sources (built there against that
machine's libtorch), and the demo's prepared shards. Run from the repo root after a build:
  python3 bench/gpu/bundle.py /path/to/demo-shards    (e.g. ./shardcast prepare examples/txhousing/job.yaml's output)
DJL_REPO (required) names a clone of github.com/deepjavalibrary/djl with its tags (the JNI sources of v0.32.0).
"""
import glob, os, re, shutil, subprocess, sys, tempfile, zipfile

root = os.getcwd()
out = os.path.join(root, ".gpu")
shards = sys.argv[1]
djl = os.environ.get("DJL_REPO")
if not djl:
    sys.exit("set DJL_REPO to a clone of github.com/deepjavalibrary/djl with its tags")
scratch = tempfile.mkdtemp(prefix="gpu-bundle-")
logs = []
for g in ("host", "device"):
    tmp = os.path.join(scratch, "demo")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(shards, tmp, ignore=shutil.ignore_patterns("model"))
    logs.append(os.path.join(scratch, f"classes-{g}.txt"))
    env = dict(os.environ, SHARDCAST_CDS="off",  # with the archive, classes load from it and the log names no jar
               SHARDCAST_JAVA_OPTS=f"-Xlog:class+load=info:file={logs[-1]} -Dshardcast.compactGather={g}")
    subprocess.run(["./shardcast", "train", "examples/txhousing/job.yaml", "--set", "shards.output=" + tmp,
                    "--set", "train.epochs=2"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

loaded = {}  # jar -> class entries
modules = {"java.base", "java.logging", "java.management", "jdk.management", "jdk.unsupported", "java.naming",
           "jdk.crypto.ec", "jdk.zipfs"}
pat = re.compile(r"\] (\S+) source: (\S+)")
for log in logs:
    for line in open(log):
        m = pat.search(line)
        if not m:
            continue
        cls, src = m.groups()
        if src.startswith("jrt:/"):
            modules.add(src[5:])
        elif src.startswith("file:") and src.endswith(".jar"):
            loaded.setdefault(src[5:], set()).add(cls.replace(".", "/") + ".class")

shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
keep_whole = ("/ai/djl/", "/jna/", "shardcast-")  # small, and may load more on a GPU than on a CPU
with zipfile.ZipFile(os.path.join(out, "app.jar"), "w", zipfile.ZIP_DEFLATED) as app:
    seen = set()
    for jar, classes in sorted(loaded.items()):
        whole = any(k in jar for k in keep_whole)
        with zipfile.ZipFile(jar) as z:
            for e in z.namelist():
                if e in seen or e.endswith("/") or e == "META-INF/MANIFEST.MF" or e.startswith("META-INF/versions/"):
                    continue
                native = e.endswith((".so", ".dll", ".dylib", ".jnilib"))
                if native and ("x86-64" not in e and "x86_64" not in e and "amd64" not in e):
                    continue
                if "arrow_dataset_jni" in e:
                    continue  # carried xz-compressed, put back on the device
                if e.endswith(".class") and not whole and e not in classes:
                    inner = e.split("$")[0] + ".class" if "$" in e else e
                    if inner not in classes:
                        continue
                seen.add(e)
                app.writestr(e, z.read(e))
    # DJL needs a platform file to accept a libtorch named by PYTORCH_LIBRARY_PATH
    app.writestr("native/lib/pytorch.properties", "version=2.11.0\nflavor=cu130\nclassifier=linux-x86_64\n")
    # the GPU check's own class
    classes = os.path.join(scratch, "classes")
    cp = open("pipelines/target/classpath.txt").read().strip()
    subprocess.run(["javac", "-d", classes, "-cp", cp, "bench/gpu/GatherCheck.java"], check=True)
    for f in glob.glob(classes + "/**/*.class", recursive=True):
        app.write(f, os.path.relpath(f, classes))

dataset = next(j for j in loaded if "arrow-dataset" in j)
with zipfile.ZipFile(dataset) as z:
    data = z.read("arrow_dataset_jni/x86_64/libarrow_dataset_jni.so")
so = os.path.join(out, "libarrow_dataset_jni.so")
open(so, "wb").write(data)
subprocess.run(["xz", "-T2", "-6", so], check=True)

modules.discard("jdk.localedata")  # 20 MB of locales; the English ones are in java.base
jdk = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("javac"))))
subprocess.run([os.path.join(jdk, "bin", "jlink"), "--add-modules", ",".join(sorted(modules)), "--strip-debug",
                "--no-header-files", "--no-man-pages", "--compress=2", "--output", os.path.join(out, "jre")], check=True)
subprocess.run(["tar", "-cJf", os.path.join(out, "jre.tar.xz"), "-C", out, "jre"], check=True,
               env=dict(os.environ, XZ_OPT="-T2 -6"))
shutil.rmtree(os.path.join(out, "jre"))

nat = os.path.join(out, "djl-native")
for d in ("src", "include", "utils/djl", "jni"):
    os.makedirs(os.path.join(nat, d))
files = subprocess.run(["git", "-C", djl, "ls-tree", "--name-only", "v0.32.0",
                        "engines/pytorch/pytorch-native/src/main/native/"], capture_output=True, text=True, check=True)
for f in files.stdout.split():
    open(os.path.join(nat, "src", os.path.basename(f)), "wb").write(
        subprocess.run(["git", "-C", djl, "show", "v0.32.0:" + f], capture_output=True, check=True).stdout)
open(os.path.join(nat, "utils/djl/utils.h"), "wb").write(
    subprocess.run(["git", "-C", djl, "show", "v0.32.0:api/src/main/native/djl/utils.h"], capture_output=True, check=True).stdout)
# the JNI header, as DJL's build makes it: javac -h on the engine's PyTorchLibrary.java of that tag
src = os.path.join(scratch, "jni/ai/djl/pytorch/jni")
os.makedirs(src, exist_ok=True)
open(os.path.join(src, "PyTorchLibrary.java"), "wb").write(subprocess.run(
    ["git", "-C", djl, "show", "v0.32.0:engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"],
    capture_output=True, check=True).stdout)
djl_jars = [j for j in loaded if "/ai/djl/" in j]
subprocess.run(["javac", "-h", os.path.join(nat, "include"), "-d", os.path.join(scratch, "jni/classes"), "-cp", ":".join(djl_jars),
                os.path.join(src, "PyTorchLibrary.java")], check=True)
shutil.copy(os.path.join(jdk, "include", "jni.h"), os.path.join(nat, "jni"))
shutil.copy(os.path.join(jdk, "include", "linux", "jni_md.h"), os.path.join(nat, "jni"))

shutil.copytree(shards, os.path.join(out, "demo-shards"), ignore=shutil.ignore_patterns("model", "quarantine", "quality*"))
shutil.rmtree(scratch)
total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
print(f"{out}: {total / 2**20:.1f} MiB; modules {sorted(modules)}; jars {len(loaded)}")
