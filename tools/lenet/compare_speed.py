"""Trains LeNet with ConvEngine and with the PyTorch peer, one after the other, and prints the speed ratio.

Usage: /usr/bin/python3 tools/lenet/compare_speed.py [--variants d2l,relu] [--epochs 3] [--peer PATH]
Both sides train on the CPU with the same data, batch 256 and optimizer; ex/s counts the training steps only
(each side's own epoch line). Runs are sequential so they never share the cores. For each side the script
reports the mean ex/s over the epochs after the first (warm-up), the resident memory at every epoch end and
the peak; then the ratio ConvEngine / PyTorch. Needs python3-torch for the peer (apt-get install python3-torch).
"""
import argparse, os, re, subprocess, sys, tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EPOCH = re.compile(r"^epoch (\d+) loss ([\d.]+) train acc ([\d.]+) test acc ([\d.]+) (?:time|epoch) ([\d.]+) s (\d+) ex/s$")

def rss_mb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")

def run(name, command):
    """Runs one side, echoing its epoch lines with the process's memory at each; returns (ex/s list, peak MB, last line)."""
    print(f"$ {' '.join(command)}", flush=True)
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    speeds, peak, last = [], 0.0, None
    for line in process.stdout:
        line = line.rstrip("\n")
        match = EPOCH.match(line)
        if not match:
            print(f"  {name}: {line}", flush=True)
            continue
        peak = max(peak, rss_mb(process.pid, "VmHWM"))
        speeds.append(int(match.group(6)))
        last = match
        print(f"  {name}: {line}   [rss {rss_mb(process.pid, 'VmRSS'):.0f} MB]", flush=True)
    if process.wait() != 0 or not speeds:
        sys.exit(f"{name} failed (exit code {process.returncode})")
    return speeds, peak, last

def steady(speeds):
    later = speeds[1:] or speeds
    return sum(later) / len(later)

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default="d2l,relu")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--peer", default=os.path.join(REPO, "..", "shared", "peer", "torch_lenet.py"))
    args = parser.parse_args()
    if not os.path.exists(args.peer):
        sys.exit(f"error: the PyTorch peer {args.peer} is missing (pass --peer PATH)")
    subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", os.path.join(REPO, "Samples")], check=True)
    engine = os.path.join(REPO, "Samples", "bin", "Release", "net10.0", "convengine-samples.dll")
    results = []
    for variant in args.variants.split(","):
        with tempfile.TemporaryDirectory() as out:
            ours, our_peak, our_last = run("ConvEngine", ["dotnet", engine, "lenet", "--variant", variant,
                                                          "--epochs", str(args.epochs), "--out", os.path.join(out, "run")])
        theirs, their_peak, their_last = run("PyTorch", ["/usr/bin/python3", args.peer, variant, str(args.epochs), "2"])
        results.append((variant, steady(ours), steady(theirs), our_peak, their_peak, our_last.group(4), their_last.group(4)))
    print(f"\nCPU: {os.cpu_count()} cores; ex/s = mean over epochs 2..{args.epochs} (epoch 1 when only one)")
    print(f"{'variant':8} {'ConvEngine ex/s':>16} {'PyTorch ex/s':>13} {'ratio':>6} {'peak MB ours/theirs':>20} {'test acc ours/theirs':>21}")
    for variant, ours, theirs, our_peak, their_peak, our_acc, their_acc in results:
        print(f"{variant:8} {ours:16.0f} {theirs:13.0f} {ours / theirs:5.2f}x {our_peak:9.0f} / {their_peak:<8.0f} {our_acc:>10} / {their_acc}")

if __name__ == "__main__":
    main()
