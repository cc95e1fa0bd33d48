"""PyTorch CUDA peer for ConvEngine's LeNet on CUDA: ../shared/peer/torch_lenet.py (the CPU peer) with the model and
the data on the GPU (.cuda(): the whole dataset resident, batches indexed there), run by tools/cuda/verify.sh.

Usage: python3 torch_lenet_cuda.py [d2l|relu] [epochs] [data folder]
  d2l : Sigmoid + AvgPool2d, SGD lr 0.9 (the d2l chapter's setting)
  relu: ReLU + MaxPool2d, Adam lr 1e-3
The data folder holds Fashion-MNIST's four IDX files, gzip-compressed or not (default $CONVENGINE_DATA, else
/usr/share/datasets/fashion-mnist). Batch 256; the epoch time counts the training steps only (forward, loss,
backward, optimizer step, and the per-step loss and accuracy reads d2l's train_ch6 makes), as d2l's examples/sec
does; evaluation is not timed. Prints one line per epoch: epoch N loss L train acc A test acc B epoch T s E ex/s"""
import gzip, os, struct, sys, time
import numpy as np, torch
from torch import nn

variant = sys.argv[1] if len(sys.argv) > 1 else "d2l"
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
D = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("CONVENGINE_DATA") or "/usr/share/datasets/fashion-mnist"

def idx(name):
    path = os.path.join(D, name)
    opener = (gzip.open, path + ".gz") if os.path.exists(path + ".gz") else (open, path)
    with opener[0](opener[1], "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4]); nd = magic & 0xff
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)

dev = torch.device("cuda")
torch.manual_seed(0)
Xtr = (torch.tensor(idx("train-images-idx3-ubyte"), dtype=torch.float32).unsqueeze(1) / 255).cuda()
ytr = torch.tensor(idx("train-labels-idx1-ubyte"), dtype=torch.int64).cuda()
Xte = (torch.tensor(idx("t10k-images-idx3-ubyte"), dtype=torch.float32).unsqueeze(1) / 255).cuda()
yte = torch.tensor(idx("t10k-labels-idx1-ubyte"), dtype=torch.int64).cuda()
act, pool = (nn.Sigmoid, nn.AvgPool2d) if variant == "d2l" else (nn.ReLU, nn.MaxPool2d)
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), act(), pool(2, 2), nn.Conv2d(6, 16, 5), act(), pool(2, 2),
                    nn.Flatten(), nn.Linear(400, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))
def init(m):
    if isinstance(m, (nn.Linear, nn.Conv2d)): nn.init.xavier_uniform_(m.weight)
net.apply(init)
net.cuda()
opt = torch.optim.SGD(net.parameters(), lr=0.9) if variant == "d2l" else torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
B = 256
print(f"PyTorch {torch.__version__} (CUDA {torch.version.cuda}) on {torch.cuda.get_device_name(0)}", flush=True)
for ep in range(epochs):
    torch.cuda.synchronize()
    t = time.perf_counter(); perm = torch.randperm(60000, device=dev); tl = 0; tc = 0
    net.train()
    for i in range(0, 60000, B):
        idb = perm[i:i + B]; X, y = Xtr[idb], ytr[idb]
        out = net(X); l = loss_fn(out, y)
        opt.zero_grad(); l.backward(); opt.step()
        tl += l.item() * len(y); tc += (out.argmax(1) == y).sum().item()
    torch.cuda.synchronize()
    dt = time.perf_counter() - t
    net.eval()
    with torch.no_grad():
        te = sum((net(Xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
    print(f"epoch {ep+1} loss {tl/60000:.3f} train acc {tc/60000:.3f} test acc {te/10000:.3f} "
          f"epoch {dt:.2f} s {60000/dt:.0f} ex/s", flush=True)
