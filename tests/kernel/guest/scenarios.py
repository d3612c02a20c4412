import subprocess, sys, time
def sh(c):
    t=time.time(); p=subprocess.run(c, shell=True, capture_output=True, text=True); print(f"$ {c}  [{p.returncode}, {time.time()-t:.2f}s]\n{p.stdout[-300:]}{p.stderr[-300:]}")
J="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
sh(f"{J} -XX:ArchiveClassesAtExit=/tmp/b.jsa -jar /jar/brick.jar --json connector-properties")
sh(f"{J} -XX:SharedArchiveFile=/tmp/b.jsa -jar /jar/brick.jar --json connector-properties")
sh(f"{J} -XX:SharedArchiveFile=/tmp/b.jsa -jar /jar/brick.jar --json doctor")
sh(f"{J} -XX:SharedArchiveFile=/tmp/b.jsa -Xint -jar /jar/brick.jar --json doctor")
sh(f"{J} -XX:SharedArchiveFile=/tmp/b.jsa -XX:CICompilerCount=1 -XX:-BackgroundCompilation -jar /jar/brick.jar --json doctor")
sh(f"{J} -XX:-BytecodeVerificationRemote -jar /jar/brick.jar --json doctor")
sh("nproc; cat /proc/loadavg")
